"""A UDP client written the way the TA slides' client is: plain socket calls, standard library.

Usage: python3 udp_client.py PORT [MESSAGE]
Sends MESSAGE (default "Hello, UDP!") as one datagram to 127.0.0.1:PORT, prints the reply and
who sent it, then exits. Gives up after 5 seconds without a reply.
"""
import socket
import sys

port = int(sys.argv[1])
message = sys.argv[2] if len(sys.argv) > 2 else "Hello, UDP!"

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(5)
sock.sendto(message.encode(), ("127.0.0.1", port))
data, address = sock.recvfrom(1024)
sock.close()
print("reply: %s from %s:%d" % (data.decode("utf-8"), address[0], address[1]))
