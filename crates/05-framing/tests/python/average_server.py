"""Serves one client the average of each JSON list of numbers it sends, until it closes.

Usage: python3 average_server.py
Binds port 0 (any free port) and announces it with the course's ready line.
"""
import json
import socket

from framing import read_string, send_string


def answer(request):
    try:
        numbers = json.loads(request)
    except ValueError:
        return {"error": "the request is not JSON"}
    if not isinstance(numbers, list) or not numbers:
        return {"error": "the request must be a non-empty JSON list of numbers"}
    return sum(numbers) / len(numbers)


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(1)
print("listening on %s:%d" % server.getsockname(), flush=True)

client, address = server.accept()
client.settimeout(5)
while True:
    request = read_string(client)
    if request is None:
        break
    reply = json.dumps(answer(request))
    print("request:", request, "reply:", reply, flush=True)
    send_string(client, reply)
client.close()
server.close()
