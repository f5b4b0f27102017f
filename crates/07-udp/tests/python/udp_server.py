"""A UDP server written the way the TA slides' server is, answering one datagram and exiting.

Usage: python3 udp_server.py
Binds port 0 (any free port) and announces it with the course's ready line, then prints the
first datagram it receives (at most 1024 bytes) and replies b'data received' to its sender.
"""
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
print("listening on %s:%d" % sock.getsockname(), flush=True)

data, address = sock.recvfrom(1024)
print("received: %s (%d bytes)" % (data.decode("utf-8"), len(data)), flush=True)
sock.sendto(b"data received", address)
sock.close()
