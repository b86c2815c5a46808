"""A private PostgreSQL server on loopback for the test suite.

Started from the distribution's binaries (Debian: /usr/lib/postgresql/N/bin)
in a temporary directory, on a free port of 127.0.0.1, and stopped at the end.
When root runs the tests, the server runs as the `postgres` user (initdb
refuses root).  `start()` returns None, with the reason, when it cannot.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    url: str  # a SQLAlchemy URL without a database name
    data_dir: Path
    bin_dir: Path
    as_user: list[str]

    def stop(self) -> None:
        stop = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"]
        subprocess.run([*self.as_user, *stop], capture_output=True, timeout=60)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start() -> tuple[Server | None, str]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        return None, "no PostgreSQL server binaries (initdb, pg_ctl) on this machine"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "the psycopg driver is not installed (pip install 'deskcli[postgres]')"
    root = Path(tempfile.mkdtemp(prefix="desk-pg-"))
    data_dir, socket_dir = root / "data", root / "socket"
    socket_dir.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            return None, "running as root without runuser to start PostgreSQL as postgres"
        as_user = [runuser, "-u", "postgres", "--"]
        os.chmod(root, 0o755)
        data_dir.mkdir()
        for folder in (root, socket_dir, data_dir):
            shutil.chown(folder, "postgres")
    port = _free_port()
    steps = [
        [*as_user, str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "-A", "trust",
         "--no-sync", "-E", "UTF8"],
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-w", "-t", "60", "-l",
         str(root / "server.log"), "-o",
         f"-h 127.0.0.1 -p {port} -k {socket_dir} -c fsync=off -c max_connections=200", "start"],
    ]  # fmt: skip
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, timeout=120, cwd=root)
        if result.returncode != 0:
            reason = (result.stderr or result.stdout).strip().splitlines()[-1:]
            log = root / "server.log"
            if log.exists():
                reason = log.read_text().strip().splitlines()[-1:]
            shutil.rmtree(root, ignore_errors=True)
            return None, f"{Path(step[len(as_user)]).name} failed: {' '.join(reason)}"
    server = Server(f"postgresql+psycopg://postgres@127.0.0.1:{port}/", data_dir, bin_dir, as_user)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, ""
        except OSError:
            time.sleep(0.2)
    server.stop()
    return None, "PostgreSQL did not start listening in time"
