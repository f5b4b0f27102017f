"""Sends each message as a length-prefixed string and prints each reply.

Usage: python3 string_client.py PORT MESSAGE...
"""
import socket
import sys

from framing import read_string, send_string

port = int(sys.argv[1])
sock = socket.create_connection(("127.0.0.1", port), timeout=5)
for message in sys.argv[2:]:
    send_string(sock, message)
    print("reply:", read_string(sock))
sock.close()
