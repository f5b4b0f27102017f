"""A client written the way Tutorial 5's image client is: base64 in JSON, then ##END##.

The tutorial opens the picture with Pillow and saves it again as PNG; to need nothing but the
standard library, this one sends the bytes of a PNG file as they are.

Usage: python3 tutorial_image_client.py PORT PNG_FILE [OTHER_INFO]
Sends the picture, closes the connection at once (like the tutorial) and prints what it sent.
"""
import base64
import json
import socket
import sys

port = int(sys.argv[1])
with open(sys.argv[2], "rb") as f:
    picture = f.read()
other_info = sys.argv[3] if len(sys.argv) > 3 else "sent by tutorial_image_client.py"

encoded = base64.b64encode(picture)
message = json.dumps({"image": encoded.decode("utf-8"), "other_info": other_info}) + "##END##"

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.settimeout(5)
sock.connect(("localhost", port))
sock.sendall(message.encode("utf-8"))
sock.close()
print("sent %d bytes of PNG as %d bytes" % (len(picture), len(message)))
