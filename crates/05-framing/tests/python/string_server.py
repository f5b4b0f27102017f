"""Serves one client: sends back every length-prefixed string until the client closes.

Usage: python3 string_server.py
Binds port 0 (any free port) and announces it with the course's ready line.
"""
import socket

from framing import read_string, send_string

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
print("listening on %s:%d" % server.getsockname(), flush=True)

client, address = server.accept()
client.settimeout(5)
while True:
    text = read_string(client)
    if text is None:
        break
    print("received:", text, flush=True)
    send_string(client, text)
client.close()
server.close()
