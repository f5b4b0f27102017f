"""Length-prefixed strings the way the Python tutorial sends them, for the interop tests.

A message travels as its length in bytes, written as 8 ASCII digits with leading zeros, then
its UTF-8 bytes: "Hello" is b"00000005Hello". Like the tutorial's send_string, the header and
the text go out in two separate sends. Standard library only.
"""


def send_all(sock, data):
    """Calls send until every byte of data has gone out (one send may take only part)."""
    while data:
        sent = sock.send(data)
        data = data[sent:]


def receive_exactly(sock, count):
    """Returns exactly count bytes, calling recv as often as it takes."""
    parts = []
    while count > 0:
        part = sock.recv(count)
        if not part:
            raise EOFError("the connection closed with %d bytes still to come" % count)
        parts.append(part)
        count -= len(part)
    return b"".join(parts)


# ANCHOR: strings
def send_string(sock, text):
    data = text.encode("utf-8")
    send_all(sock, ("%08d" % len(data)).encode("ascii"))
    send_all(sock, data)


def read_string(sock):
    """The next string, or None if the peer closed the connection before it began."""
    first = sock.recv(8)
    if not first:
        return None
    header = first + receive_exactly(sock, 8 - len(first))
    return receive_exactly(sock, int(header)).decode("utf-8")
# ANCHOR_END: strings
