"""A server written the way Tutorial 5's Python server is, serving one client and exiting.

Usage: python3 tutorial_server.py
Binds port 0 (any free port) and announces it with the course's ready line.
"""
import socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
print("listening on %s:%d" % server.getsockname(), flush=True)

client, address = server.accept()
data = client.recv(1024)
print("received:", data.decode("utf-8"), flush=True)
client.sendall(data)
client.close()
server.close()
