"""Just enough of an IRC server to test the load generator's ``--proto irc``: NICK and
USER get a welcome (001) and a harmless 422, JOIN is told to everyone in the channel
with the end of NAMES (366) to the joiner, PRIVMSG goes to everyone else, a PING from
the server to each client on joining checks the PONG. 127.0.0.1 only; prints
``listening on 127.0.0.1:PORT``; stops when its standard input closes."""

from __future__ import annotations

import selectors
import socket
import sys


def main() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    sel.register(sys.stdin, selectors.EVENT_READ)
    nicks: dict[socket.socket, str] = {}
    buffers: dict[socket.socket, bytes] = {}
    channel: list[socket.socket] = []
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)

    def send(conn: socket.socket, line: str) -> None:
        conn.setblocking(True)
        conn.sendall(line.encode() + b"\r\n")
        conn.setblocking(False)

    def handle(conn: socket.socket, line: str) -> None:
        words = line.split(" ", 2)
        if words[0] == "NICK":
            nicks[conn] = words[1]
        elif words[0] == "USER":
            send(conn, f":mini 001 {nicks[conn]} :Welcome")
            send(conn, f":mini 422 {nicks[conn]} :MOTD File is missing")
        elif words[0] == "JOIN":
            channel.append(conn)
            for member in channel:
                send(member, f":{nicks[conn]}!u@127.0.0.1 JOIN :#bench")
            send(conn, f":mini 366 {nicks[conn]} #bench :End of /NAMES list.")
            send(conn, "PING :mini")
        elif words[0] == "PRIVMSG":
            for member in channel:
                if member is not conn:
                    send(member, f":{nicks[conn]}!u@127.0.0.1 {line}")

    while True:
        for key, _ in sel.select():
            if key.fileobj is sys.stdin:
                return
            if key.fileobj is listener:
                conn, _ = listener.accept()
                conn.setblocking(False)
                buffers[conn] = b""
                sel.register(conn, selectors.EVENT_READ)
                continue
            conn = key.fileobj  # type: ignore[assignment]
            data = conn.recv(65536)
            if not data:
                sel.unregister(conn)
                if conn in channel:
                    channel.remove(conn)
                conn.close()
                continue
            buffers[conn] += data
            *lines, buffers[conn] = buffers[conn].split(b"\r\n")
            for raw in lines:
                handle(conn, raw.decode())


if __name__ == "__main__":
    main()
