"""A client written the way Tutorial 5's Python client is: plain socket calls, standard library.

Usage: python3 tutorial_client.py PORT [MESSAGE]
Prints the reply exactly as received, then exits.
"""
import socket
import sys

port = int(sys.argv[1])
message = sys.argv[2] if len(sys.argv) > 2 else "Hello Server!"

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.settimeout(5)
sock.connect(("localhost", port))
sock.send(message.encode("utf-8"))
reply = sock.recv(1024)
sock.close()
print("reply:", reply.decode("utf-8"))
