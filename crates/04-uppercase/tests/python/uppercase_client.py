"""A client written the way Kurose & Ross's TCP client is: plain socket calls, standard library.

Usage: python3 uppercase_client.py PORT  (the sentence comes from stdin)
Like the original, it sends the sentence without a newline and then waits for the answer with
a single recv(2048), without closing its side first.
"""
from socket import AF_INET, SOCK_STREAM, socket
import sys

server_port = int(sys.argv[1])

client_socket = socket(AF_INET, SOCK_STREAM)
client_socket.settimeout(5)
client_socket.connect(("127.0.0.1", server_port))
sentence = input("Input lowercase sentence:")
client_socket.send(sentence.encode())
modified_sentence = client_socket.recv(2048)
print(modified_sentence.decode())
client_socket.close()
