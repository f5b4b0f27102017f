"""An echo server in the style of the bogotobogo tutorial's: it serves one client, sending
back whatever arrives until the client closes, then exits.

Usage: python3 echo_server.py
Binds port 0 (any free port) and announces it with the course's ready line.
"""
import socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
print("listening on %s:%d" % server.getsockname(), flush=True)

connection, address = server.accept()
print("Connected by", address, flush=True)
while True:
    data = connection.recv(1024)
    if not data:
        break
    connection.sendall(data)
connection.close()
server.close()
