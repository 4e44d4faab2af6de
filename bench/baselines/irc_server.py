"""A C IRC server as a benchmark baseline: ngIRCd or InspIRCd from the system's packages.

    python bench/baselines/irc_server.py ngircd|inspircd

Writes a configuration that listens on 127.0.0.1 (a free port) with every flood and
connection limit lifted, as ``--rate-burst``/``--send-queue`` lift Parla's, then becomes
the server itself (``exec``: the pid the driver samples and signals is the server's)
while a child prints ``listening on 127.0.0.1:PORT`` once the port accepts connections,
as every server of the benchmark announces itself. The load generator speaks IRC to
it (``--proto irc``). Stops on SIGTERM, as IRC servers do.

Install them with ``apt-get install ngircd inspircd`` (``make bench`` does when it runs
as root); without them the benchmark leaves this comparison out.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"  # loopback only, always
CHANNEL = "#bench"

NGIRCD_CONF = """\
[Global]
Name = bench.parla.invalid
Info = Parla benchmark baseline
Listen = {host}
Ports = {port}
MotdPhrase = bench
PidFile = {dir}/ngircd.pid
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 30
MaxPenaltyTime = 0
PingTimeout = 600
PongTimeout = 600
[Options]
DNS = no
Ident = no
PAM = no
"""

INSPIRCD_CONF = """\
<server name="bench.parla.invalid" description="Parla benchmark baseline" network="bench">
<admin name="bench" nick="bench" email="bench@parla.invalid">
<bind address="{host}" port="{port}" type="clients">
<connect name="main" allow="*" timeout="60" pingfreq="600" sendq="1073741824" softsendq="1073741824"
         hardsendq="1073741824" recvq="1073741824" threshold="1000000" commandrate="1000000000" fakelag="no"
         localmax="1000000" globalmax="1000000" maxchans="100" useident="no" limit="1000000"
         maxconnwarn="no" resolvehostnames="no">
<performance softlimit="30000" somaxconn="4096" nouserdns="yes" clonesonconnect="no" quietbursts="yes">
<limits maxnick="30" maxchan="64">
<channels users="1000000" opers="1000000">
<pid file="{dir}/inspircd.pid">
<options defaultmodes="nt">
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def command(kind: str, conf_dir: Path, port: int) -> list[str]:
    if kind == "ngircd":
        conf = conf_dir / "ngircd.conf"
        conf.write_text(NGIRCD_CONF.format(host=HOST, port=port, dir=conf_dir))
        return [_tool("ngircd"), "--nodaemon", "--config", str(conf)]
    if kind == "inspircd":
        conf = conf_dir / "inspircd.conf"
        conf.write_text(INSPIRCD_CONF.format(host=HOST, port=port, dir=conf_dir))
        argv = [_tool("inspircd"), "--nofork", f"--config={conf}"]
        return [*argv, "--runasroot"] if os.geteuid() == 0 else argv
    raise SystemExit(f"unknown IRC server {kind!r}: ngircd or inspircd")


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise SystemExit(f"{name} is not installed (apt-get install {name})")
    return found


def announce_when_listening(out: int, port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1.0) as probe:
                probe.sendall(b"QUIT\r\n")
            os.write(out, f"listening on {HOST}:{port}\n".encode())
            return
        except OSError:
            time.sleep(0.05)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        raise SystemExit(__doc__)
    conf_dir = Path(tempfile.mkdtemp(prefix=f"parla-bench-{argv[0]}-"))
    port = free_port()
    args = command(argv[0], conf_dir, port)
    out = os.dup(1)
    if os.fork() == 0:
        announce_when_listening(out, port)
        os._exit(0)
    os.close(out)
    os.dup2(2, 1)  # the server's own chatter goes to the log, not to the first line
    os.execv(args[0], args)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
