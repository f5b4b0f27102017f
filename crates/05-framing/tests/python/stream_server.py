"""The tutorial's experiment server: one client, one recv(1024), the bytes between colons.

Usage: python3 stream_server.py
Binds port 0 (any free port) and announces it with the course's ready line.
"""
import socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
print("listening on %s:%d" % server.getsockname(), flush=True)

client, address = server.accept()
data = client.recv(1024)
print(":" + data.decode("utf-8") + ":", flush=True)
client.close()
server.close()
