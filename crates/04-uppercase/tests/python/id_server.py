"""A server written the way the TA slides' TCP server is, serving one client and exiting.

Usage: python3 id_server.py
Binds port 0 (any free port) and announces it with the course's ready line. Asks for the
student ID, then prints the answer as the slides do: the bytes upper-cased, then decoded.
"""
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(0)
print("listening on %s:%d" % s.getsockname(), flush=True)

client, address = s.accept()
client.send(b"What's your student ID?\n")
student_id = client.recv(1000).upper().decode("utf-8")
client.close()
s.close()
print("student id:", repr(student_id), flush=True)
