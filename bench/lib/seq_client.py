#!/usr/bin/python3
"""Sequential connection-per-request round trips, one at a time: connect, GET /plaintext with Connection: close,
read the whole response (head, then Content-Length bytes), then wait for the server's close (EOF) and close.

    seq_client.py probe PORT       prints "eof" if the server closes after answering, "client-close" if it leaves
                                   the connection open (stock Helidon 4.5.0 answers "Connection: close" and
                                   keeps the connection: the client then closes first, as h2load and Gatling do)
    seq_client.py N PORT [MODE]    N round trips; MODE eof (default) reads to EOF, client-close closes after the
                                   response; a round trip that fails or outlasts 10 s stops the run with an error
"""
import socket
import sys

REQUEST = b"GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def round_trip(port, mode, timeout=10.0):
    """One connection; returns True if the server closed it (EOF) after its response."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(REQUEST)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                raise RuntimeError("connection closed before the response head: %r" % data)
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError("unexpected response: %r" % head)
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            chunk = s.recv(4096)
            if not chunk:
                raise RuntimeError("connection closed inside the body")
            body += chunk
        if mode == "client-close":
            return False
        return s.recv(4096) == b""
    finally:
        s.close()


def main():
    if sys.argv[1] == "probe":
        try:
            print("eof" if round_trip(int(sys.argv[2]), "eof", timeout=2.0) else "client-close")
        except socket.timeout:
            print("client-close")
        return
    n, port = int(sys.argv[1]), int(sys.argv[2])
    mode = sys.argv[3] if len(sys.argv) > 3 else "eof"
    for _ in range(n):
        round_trip(port, mode)
    print(n, "sequential round trips,", "the server closing" if mode == "eof" else "the client closing")


if __name__ == "__main__":
    main()
