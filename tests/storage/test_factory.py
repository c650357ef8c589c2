"""Which store the settings open, and SQLite's refusal of a second process on one DATA_DIR."""

from __future__ import annotations

import asyncio
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.storage.cached import CachedRepository
from bot.storage.factory import DatabaseUnreachable, DataDirInUse, open_repository
from bot.storage.postgres import PostgresRepository

_HOLD_LOCK = """
import asyncio, sys
from bot.config import Settings
from bot.storage.factory import open_repository

async def main():
    repo = await open_repository(Settings(_env_file=None, data_dir=sys.argv[1]))
    print("locked", flush=True)
    sys.stdin.readline()
    await repo.close()

asyncio.run(main())
"""


def settings(data_dir: Path, url: str | None = None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=SecretStr(url) if url else None,
    )


async def test_sqlite_refuses_a_second_process_with_one_sentence(tmp_path: Path) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _HOLD_LOCK, str(tmp_path), stdin=PIPE, stdout=PIPE
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert (await asyncio.wait_for(holder.stdout.readline(), 30)).strip() == b"locked"
        with pytest.raises(DataDirInUse) as caught:
            await open_repository(settings(tmp_path))
        message = str(caught.value)
        assert message.count(". ") == 0 and message.endswith(".")  # one sentence
        assert str(tmp_path) in message and "DATABASE_URL" in message
    finally:
        await asyncio.wait_for(holder.communicate(b"\n"), 30)
    repo = await open_repository(settings(tmp_path))  # the first process is gone: the lock went with it
    await repo.close()


async def test_closing_releases_the_lock_for_the_next_open(tmp_path: Path) -> None:
    first = await open_repository(settings(tmp_path))
    assert isinstance(first, CachedRepository)
    with pytest.raises(DataDirInUse):
        await open_repository(settings(tmp_path))
    await first.close()
    second = await open_repository(settings(tmp_path))
    await second.close()


async def test_database_url_selects_postgres(tmp_path: Path, pg_dsn: str) -> None:
    repo = await open_repository(settings(tmp_path, pg_dsn))
    try:
        assert isinstance(repo, PostgresRepository)  # uncached: every read sees other processes' writes
        await repo.update_guild_settings(1, language="es")
        assert (await repo.get_guild_settings(1)).language == "es"
    finally:
        await repo.close()
    assert not (tmp_path / "bot.sqlite3").exists() and not (tmp_path / "bot.lock").exists()


async def test_an_unreachable_database_is_one_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://bot:hunter2@127.0.0.1:{port}/bot"
    with pytest.raises(DatabaseUnreachable) as caught:
        await open_repository(settings(tmp_path, url))
    assert "DATABASE_URL" in str(caught.value) and "hunter2" not in str(caught.value)
