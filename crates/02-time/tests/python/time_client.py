"""A client written the way the bogotobogo tutorial's time client is: plain socket calls,
standard library only, and a single recv(1024).

Usage: python3 time_client.py PORT
Prints the bytes it received, then whether they are the local time now as time.ctime() writes
it, followed by CRLF.
"""
import socket
import sys
import time

port = int(sys.argv[1])

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(("127.0.0.1", port))
tm = s.recv(1024)
s.close()
print("received:", repr(tm))

# The server read the same clock a moment ago: allow for the second ticking over since.
now = time.time()
expected = [(time.ctime(now - late) + "\r\n").encode("ascii") for late in (0, 1, 2)]
print("same as time.ctime():", tm in expected)
