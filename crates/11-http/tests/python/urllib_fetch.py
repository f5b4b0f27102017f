"""Fetches from http-server with Python's urllib, which follows redirects and turns error
statuses into exceptions.

Usage: python3 urllib_fetch.py PORT
Prints one line per address: the address finally fetched, the status, the number of body
bytes and their CRC-32 (or the error status).
"""
import sys
import urllib.error
import urllib.request
import zlib

port = int(sys.argv[1])
base = "http://127.0.0.1:%d" % port
for path in ["/", "/about", "/picture.png", "/missing.html"]:
    try:
        with urllib.request.urlopen(base + path, timeout=5) as response:
            body = response.read()
            url = response.geturl().replace(base, "")
            print(path, "->", url, response.status, len(body), "%08x" % zlib.crc32(body))
    except urllib.error.HTTPError as error:
        print(path, "->", "HTTPError", error.code, error.reason)
