"""A client that sends random bytes to an echo server from one thread, closes its sending
side (shutdown), and reads the echo to the end in the main thread.

Usage: python3 binary_client.py PORT SIZE
Prints "echoed SIZE bytes exactly" when every byte came back, in order; exits 1 otherwise.
"""
import os
import socket
import sys
import threading

port = int(sys.argv[1])
size = int(sys.argv[2])
data = os.urandom(size)

sock = socket.create_connection(("127.0.0.1", port), timeout=5)


def send_everything():
    sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)


writer = threading.Thread(target=send_everything)
writer.start()
received = bytearray()
while True:
    chunk = sock.recv(65536)
    if not chunk:
        break
    received += chunk
writer.join()
sock.close()

if received == data:
    print("echoed %d bytes exactly" % size)
else:
    print("echo differs: sent %d bytes, received %d" % (size, len(received)))
    sys.exit(1)
