"""Sends each request (JSON text) as a length-prefixed string and prints each raw reply.

Usage: python3 average_client.py PORT REQUEST...
"""
import socket
import sys

from framing import read_string, send_string

# ANCHOR: ask
port = int(sys.argv[1])
sock = socket.create_connection(("127.0.0.1", port), timeout=5)
for request in sys.argv[2:]:
    send_string(sock, request)
    print("reply:", read_string(sock))
sock.close()
# ANCHOR_END: ask
