"""A server written the way the bogotobogo tutorial's time server is, serving one client and
exiting.

Usage: python3 time_server.py
Binds port 0 (any free port) and announces it with the course's ready line. After sending,
prints the time it sent.
"""
import socket
import time

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(5)
print("listening on %s:%d" % server.getsockname(), flush=True)

client, address = server.accept()
current_time = time.ctime(time.time()) + "\r\n"
client.send(current_time.encode("ascii"))
client.close()
server.close()
print("sent:", current_time.rstrip("\r\n"), flush=True)
