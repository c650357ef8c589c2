"""A throwaway PostgreSQL cluster in a temporary directory, from the server binaries on this machine.

Used by the tests' plugin (tests/storage/postgres_server.py) and by `python -m benchmarks`. As root, the cluster
runs as the `postgres` user (or `nobody`): initdb refuses root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class ClusterUnavailable(RuntimeError):
    """No cluster can be started here; the message says why."""


def binaries() -> tuple[str, str] | None:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(f"{bindir}/initdb", os.X_OK) and os.access(f"{bindir}/pg_ctl", os.X_OK):
            return f"{bindir}/initdb", f"{bindir}/pg_ctl"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unprivileged_user() -> str | None:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    return None


class ThrowawayCluster:
    """`start()` returns a DSN (trust auth, user `bot`, 127.0.0.1 only); `stop()` stops it and deletes it."""

    def __init__(self) -> None:
        self.dsn: str | None = None
        self._base: Path | None = None
        self._run_as: str | None = None
        self._pg_ctl: str | None = None

    def start(self) -> str:
        found = binaries()
        if found is None:
            raise ClusterUnavailable(
                "no DATABASE_URL and no PostgreSQL binaries (initdb, pg_ctl) on this machine"
            )
        initdb, pg_ctl = found
        base = Path(tempfile.mkdtemp(prefix="bot-pg-"))
        self._base, self._pg_ctl = base, pg_ctl
        if os.geteuid() == 0:
            self._run_as = _unprivileged_user()
            if self._run_as is None:
                raise ClusterUnavailable("running as root and no unprivileged user to run PostgreSQL as")
            entry = pwd.getpwnam(self._run_as)
            os.chown(base, entry.pw_uid, entry.pw_gid)
        port = _free_port()
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        try:
            self._run(initdb, "-D", str(base / "data"), "-U", "bot", "-A", "trust", "-E", "UTF8", "--no-sync")
            self._run(
                pg_ctl,
                "-D",
                str(base / "data"),
                "-o",
                options,
                "-l",
                str(base / "log"),
                "-w",
                "-t",
                "60",
                "start",
            )
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode(errors="replace").strip()[-300:]
            self.stop()
            raise ClusterUnavailable(f"starting a throwaway PostgreSQL failed: {detail}") from None
        self.dsn = f"postgresql://bot@127.0.0.1:{port}/postgres"
        return self.dsn

    def _run(self, *argv: str) -> None:
        subprocess.run(argv, check=True, capture_output=True, user=self._run_as, cwd=self._base)

    def stop(self) -> None:
        if self._base is None or self._pg_ctl is None:
            return
        subprocess.run(
            [self._pg_ctl, "-D", str(self._base / "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            user=self._run_as,
            cwd=self._base,
            check=False,
        )
        shutil.rmtree(self._base, ignore_errors=True)
        self._base = None
