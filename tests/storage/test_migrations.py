from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from bot.storage.crypto import TokenCipher
from bot.storage.migrations import MIGRATIONS, Migration, apply_migrations
from bot.storage.sqlite import SqliteRepository


async def test_migrations_apply_once(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "m.sqlite3", isolation_level=None) as conn:
        first = await apply_migrations(conn)
        second = await apply_migrations(conn)
        async with conn.execute("SELECT version FROM schema_migrations ORDER BY version") as cur:
            recorded = [row[0] for row in await cur.fetchall()]
    assert first == [m.version for m in MIGRATIONS]
    assert second == []
    assert recorded == first


async def test_reopening_the_repository_is_idempotent(db_path: Path, cipher: TokenCipher) -> None:
    for _ in range(3):
        repo = await SqliteRepository.open(db_path, cipher)
        await repo.close()
    async with aiosqlite.connect(db_path) as conn:
        async with conn.execute("SELECT count(*) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        async with conn.execute("PRAGMA journal_mode") as cur:
            mode = await cur.fetchone()
    assert row is not None and row[0] == len(MIGRATIONS)
    assert mode is not None and mode[0] == "wal"


async def test_later_migration_is_applied_to_an_existing_database(tmp_path: Path) -> None:
    extra = Migration(len(MIGRATIONS) + 1, "add notes", ("CREATE TABLE notes (id INTEGER PRIMARY KEY)",))
    async with aiosqlite.connect(tmp_path / "m.sqlite3", isolation_level=None) as conn:
        await apply_migrations(conn)
        assert await apply_migrations(conn, (*MIGRATIONS, extra)) == [extra.version]
        await conn.execute("INSERT INTO notes (id) VALUES (1)")


async def test_failed_migration_leaves_no_trace(tmp_path: Path) -> None:
    broken = Migration(len(MIGRATIONS) + 1, "broken", ("CREATE TABLE t (id INTEGER)", "NOT SQL"))
    async with aiosqlite.connect(tmp_path / "m.sqlite3", isolation_level=None) as conn:
        await apply_migrations(conn)
        with pytest.raises(aiosqlite.OperationalError):
            await apply_migrations(conn, (*MIGRATIONS, broken))
        async with conn.execute("SELECT name FROM sqlite_master WHERE name = 't'") as cur:
            assert await cur.fetchone() is None
        async with conn.execute("SELECT max(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
    assert row is not None and row[0] == MIGRATIONS[-1].version


async def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    future = Migration(len(MIGRATIONS) + 1, "future", ("CREATE TABLE future (id INTEGER)",))
    async with aiosqlite.connect(tmp_path / "m.sqlite3", isolation_level=None) as conn:
        await apply_migrations(conn, (*MIGRATIONS, future))
        with pytest.raises(RuntimeError, match="newer"):
            await apply_migrations(conn)
