"""A client written the way the TA slides' TCP client is: the server's question becomes the
prompt of input(), and the line typed is sent back without its newline.

Usage: python3 id_client.py PORT  (the answer comes from stdin)
"""
import socket
import sys

port = int(sys.argv[1])

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(("127.0.0.1", port))
response = input(s.recv(1000).decode("utf-8")).encode("utf-8")
s.send(response)
s.close()
