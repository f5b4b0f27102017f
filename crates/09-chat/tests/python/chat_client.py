"""A Budget Chat client written the way the seeds' clients are: a plain socket, recv and
sendall, and a thread that receives while the main program sends.

Usage: python3 chat_client.py PORT NAME
Each line of stdin is sent as a message; at the end of input the client closes its sending
side and prints what arrives until the server closes the connection.
"""
import socket
import sys
import threading

port = int(sys.argv[1])
name = sys.argv[2]

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(("127.0.0.1", port))


def receive():
    pending = b""
    while True:
        data = s.recv(1024)
        if not data:
            break
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            print(line.decode("utf-8"), flush=True)
    print("(the server closed the connection)", flush=True)


receiver = threading.Thread(target=receive)
receiver.start()
s.sendall((name + "\n").encode("utf-8"))
for line in sys.stdin:
    s.sendall(line.encode("utf-8"))
s.shutdown(socket.SHUT_WR)
receiver.join()
s.close()
