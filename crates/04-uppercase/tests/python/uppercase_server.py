"""A server written the way Kurose & Ross's TCP server is, serving one client and exiting.

Usage: python3 uppercase_server.py
Binds port 0 (any free port) and announces it with the course's ready line. Takes what one
recv(2048) returns, sends it back upper-cased, closes, and prints what it received.
"""
from socket import AF_INET, SOCK_STREAM, socket

server_socket = socket(AF_INET, SOCK_STREAM)
server_socket.bind(("127.0.0.1", 0))
server_socket.listen(1)
print("listening on %s:%d" % server_socket.getsockname(), flush=True)

connection_socket, address = server_socket.accept()
sentence = connection_socket.recv(2048).decode()
connection_socket.send(sentence.upper().encode())
connection_socket.close()
server_socket.close()
print("received:", repr(sentence), flush=True)
