"""pytest plugin: a PostgreSQL server for the tests, or a clear skip.

Order: DATABASE_URL (postgresql://...) when set (CI exports one); else a throwaway cluster started from the
PostgreSQL binaries on this machine (PATH or /usr/lib/postgresql/*/bin) in a temporary directory, as the
`postgres` user when the tests run as root (initdb refuses root); else every PostgreSQL test is skipped and the
end of the run says so in one line. Each test gets its own schema (`search_path` in its DSN), dropped after.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest


@dataclass
class _Status:
    dsn: str | None = None
    source: str = ""
    skip_reason: str | None = None
    used: int = 0
    cluster_dir: Path | None = None
    run_as: str | None = None
    pg_ctl: str | None = None
    notes: list[str] = field(default_factory=list)


_status = _Status()

# Taken out of the environment so the rest of the suite (Settings() in other tests) keeps its SQLite default.
_ENV_URL = os.environ.pop("DATABASE_URL", "")


def _binaries() -> tuple[str, str] | None:
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


def _start_cluster() -> str:
    """Start a cluster; return its DSN. Raises RuntimeError with a reason when it cannot."""
    found = _binaries()
    if found is None:
        raise RuntimeError("no DATABASE_URL and no PostgreSQL binaries (initdb, pg_ctl) on this machine")
    initdb, pg_ctl = found
    base = Path(tempfile.mkdtemp(prefix="bot-pg-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = _unprivileged_user()
        if run_as is None:
            raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")
        entry = pwd.getpwnam(run_as)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    _status.cluster_dir, _status.run_as, _status.pg_ctl = base, run_as, pg_ctl
    data, port = base / "data", _free_port()
    subprocess.run(
        [initdb, "-D", str(data), "-U", "bot", "-A", "trust", "-E", "UTF8", "--no-sync"],
        check=True,
        capture_output=True,
        user=run_as,
        cwd=base,
    )
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        [pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "-t", "60", "start"],
        check=True,
        capture_output=True,
        user=run_as,
        cwd=base,
    )
    return f"postgresql://bot@127.0.0.1:{port}/postgres"


def _stop_cluster() -> None:
    if _status.cluster_dir is None or _status.pg_ctl is None:
        return
    subprocess.run(
        [_status.pg_ctl, "-D", str(_status.cluster_dir / "data"), "-m", "immediate", "-w", "stop"],
        capture_output=True,
        user=_status.run_as,
        cwd=_status.cluster_dir,
        check=False,
    )
    shutil.rmtree(_status.cluster_dir, ignore_errors=True)


def _describe(dsn: str) -> str:
    parts = urlsplit(dsn)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"  # never the password


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The DSN of a PostgreSQL server for this test session (skips when there is none)."""
    if _status.skip_reason is not None:
        pytest.skip(f"PostgreSQL tests skipped: {_status.skip_reason}")
    if _status.dsn is None:
        url = _ENV_URL
        if url.startswith(("postgresql://", "postgres://")):
            _status.dsn, _status.source = url, "DATABASE_URL"
        else:
            try:
                _status.dsn = _start_cluster()
                _status.source = "a throwaway cluster started by the tests"
            except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
                detail = ""
                if isinstance(exc, subprocess.CalledProcessError) and exc.stderr:
                    detail = exc.stderr.decode(errors="replace").strip()
                _status.skip_reason = f"{exc}{': ' + detail[-300:] if detail else ''}"
                _stop_cluster()
                pytest.skip(f"PostgreSQL tests skipped: {_status.skip_reason}")
    yield _status.dsn


def with_search_path(dsn: str, schema: str) -> str:
    return f"{dsn}{'&' if '?' in dsn else '?'}search_path={schema}"


async def _execute(dsn: str, statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _run_in_thread(dsn: str, statement: str) -> None:
    """Synchronous, so async fixtures may ask for `pg_dsn` with request.getfixturevalue (own loop, own thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _execute(dsn, statement)).result()


@pytest.fixture
def pg_dsn(postgres_server: str) -> Iterator[str]:
    """A DSN whose connections see only a fresh, empty schema of their own."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _run_in_thread(postgres_server, f"CREATE SCHEMA {schema}")
    _status.used += 1
    yield with_search_path(postgres_server, schema)
    _run_in_thread(postgres_server, f"DROP SCHEMA {schema} CASCADE")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _stop_cluster()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _status.skip_reason is not None:
        terminalreporter.write_line(
            f"PostgreSQL: SKIPPED the PostgreSQL tests ({_status.skip_reason}); set DATABASE_URL or "
            "install PostgreSQL to run them.",
            yellow=True,
        )
    elif _status.dsn is not None:
        terminalreporter.write_line(
            f"PostgreSQL: {_status.used} tests ran against {_describe(_status.dsn)} ({_status.source}).",
            green=True,
        )
