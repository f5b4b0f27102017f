"""Fetches from http-server with Python's http.client, the way a program of the standard
library would: five requests on one connection (keep-alive), a HEAD and a 404 among them.

Usage: python3 http_client_fetch.py PORT
Prints one line per request: method, path, status, reason, Content-Type, Content-Length, the
number of body bytes and their CRC-32.
"""
import http.client
import sys
import zlib

port = int(sys.argv[1])
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
for method, path in [
    ("GET", "/"),
    ("GET", "/style.css"),
    ("HEAD", "/picture.png"),
    ("GET", "/picture.png"),
    ("GET", "/missing.html"),
]:
    connection.request(method, path)
    response = connection.getresponse()
    body = response.read()
    print(
        method,
        path,
        response.status,
        response.reason,
        response.getheader("Content-Type"),
        response.getheader("Content-Length"),
        len(body),
        "%08x" % zlib.crc32(body),
    )
connection.close()
