"""The tutorial's image client as the slides write it, with Pillow: open the picture, save it
as PNG in memory, base64, JSON, ##END##.

Usage: python3 pillow_image_client.py PORT PICTURE [OTHER_INFO]
Needs Pillow (pip install Pillow); the interop test that runs it skips without it.
"""
import base64
import json
import socket
import sys
from io import BytesIO

from PIL import Image

port = int(sys.argv[1])
other_info = sys.argv[3] if len(sys.argv) > 3 else "sent by pillow_image_client.py"

picture = Image.open(sys.argv[2])
buffered = BytesIO()
picture.save(buffered, format="PNG")
encoded = base64.b64encode(buffered.getvalue())

message = json.dumps({"image": encoded.decode("utf-8"), "other_info": other_info}) + "##END##"

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.settimeout(5)
sock.connect(("localhost", port))
sock.sendall(message.encode("utf-8"))
sock.close()
print("sent a %dx%d picture as %d bytes" % (picture.width, picture.height, len(message)))
