"""pytest plugin: a PostgreSQL server for the tests, or a clear skip.

Order: DATABASE_URL (postgresql://...) when set (CI exports one); else a throwaway cluster started from the
PostgreSQL binaries on this machine (PATH or /usr/lib/postgresql/*/bin) in a temporary directory, as the
`postgres` user when the tests run as root (initdb refuses root); else every PostgreSQL test is skipped and the
end of the run says so in one line. Each test gets its own schema (`search_path` in its DSN), dropped after.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.storage.pg_cluster import ClusterUnavailable, ThrowawayCluster


@dataclass
class _Status:
    dsn: str | None = None
    source: str = ""
    skip_reason: str | None = None
    used: int = 0  # tests that used the server and passed
    users: set[str] = field(default_factory=set)  # node ids of tests that asked for the server
    cluster: ThrowawayCluster | None = None


_status = _Status()

# Taken out of the environment so the rest of the suite (Settings() in other tests) keeps its SQLite default.
_ENV_URL = os.environ.pop("DATABASE_URL", "")


def _describe(dsn: str) -> str:
    parts = urlsplit(dsn)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"  # never the password


def pytest_runtest_setup(item: pytest.Item) -> None:
    if "postgres_server" in getattr(item, "fixturenames", ()):
        _status.users.add(item.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and report.nodeid in _status.users:
        _status.used += 1


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
            _status.cluster = ThrowawayCluster()
            try:
                _status.dsn = _status.cluster.start()
                _status.source = "a throwaway cluster started by the tests"
            except (ClusterUnavailable, OSError) as exc:
                _status.skip_reason = str(exc)
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
def pg_dsn(postgres_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A DSN whose connections see only a fresh, empty schema of their own."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _run_in_thread(postgres_server, f"CREATE SCHEMA {schema}")
    _status.users.add(request.node.nodeid)
    yield with_search_path(postgres_server, schema)
    _run_in_thread(postgres_server, f"DROP SCHEMA {schema} CASCADE")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _status.cluster is not None:
        _status.cluster.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _status.skip_reason is not None:
        terminalreporter.write_line(
            f"PostgreSQL: SKIPPED the PostgreSQL tests ({_status.skip_reason}); set DATABASE_URL or "
            "install PostgreSQL to run them.",
            yellow=True,
        )
    elif _status.dsn is not None:
        terminalreporter.write_line(
            f"PostgreSQL: {_status.used} tests passed against {_describe(_status.dsn)} ({_status.source}).",
            green=True,
        )
