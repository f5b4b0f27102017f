"""An echo client in the style of the bogotobogo tutorial's: it sends its message and waits
for the echo, without closing its sending side first.

Usage: python3 echo_client.py PORT [MESSAGE]
Prints the reply as Python shows bytes, then exits.
"""
import socket
import sys

port = int(sys.argv[1])
message = sys.argv[2] if len(sys.argv) > 2 else "Hello, world"

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.settimeout(5)
sock.connect(("127.0.0.1", port))
sock.sendall(message.encode("utf-8"))
reply = sock.recv(1024)
sock.close()
print("Received", repr(reply))
