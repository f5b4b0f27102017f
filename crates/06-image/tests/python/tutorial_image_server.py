"""A receiver written the way Tutorial 5's image server is, serving one client and exiting.

It keeps the tutorial's receive loop on purpose: after every recv(1024) it appends the new
text to everything received so far and searches all of it again for ##END##. That search is
what makes the tutorial's receiver slow on big pictures (the work grows with the square of
the size); the lesson's benchmark times it next to image-server.

Usage: python3 tutorial_image_server.py OUT_FILE
Binds port 0 (any free port) and announces it with the course's ready line. Standard library
only: it decodes the base64 but never looks inside the picture.
"""
import base64
import json
import socket
import sys
import time

out_file = sys.argv[1]

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
print("listening on %s:%d" % server.getsockname(), flush=True)

client, address = server.accept()
started = None
text = ""
while True:
    chunk = client.recv(1024)
    if not chunk:
        print("the client closed before ##END##", flush=True)
        sys.exit(1)
    if started is None:
        started = time.perf_counter()
    text = text + chunk.decode("utf-8")
    if "##END##" in text:
        break
received = time.perf_counter() - started
print("received %d characters in %.3f s" % (len(text), received), flush=True)

message = json.loads(text.replace("##END##", ""))
picture = base64.b64decode(message["image"])
with open(out_file, "wb") as f:
    f.write(picture)
print("wrote %d bytes to %s" % (len(picture), out_file), flush=True)
client.close()
server.close()
