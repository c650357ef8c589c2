"""CachedRepository: reads served from memory, and every write through it is seen by the next read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.cached import CachedRepository
from bot.storage.crypto import TokenCipher
from bot.storage.memory import MemoryRepository
from bot.storage.repository import GuildSettings, LinkedAccount, SpotifyToken
from bot.storage.sqlite import SqliteRepository


def account(user_id: int = 1, access: str = "access-1") -> LinkedAccount:
    return LinkedAccount(
        user_id=user_id,
        spotify_id=f"spotify-{user_id}",
        display_name=f"User {user_id}",
        client_id="client-a",
        token=SpotifyToken(access, "refresh-1", expires_at=2_000_000_000.0),
        scopes=["user-read-playback-state"],
    )


class CountingRepository(MemoryRepository):
    """Counts the reads that reached the store; `read_delay_s` makes guild reads slow."""

    def __init__(self) -> None:
        super().__init__()
        self.guild_reads = 0
        self.account_reads = 0
        self.read_delay_s = 0.0

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        self.guild_reads += 1
        settings = await super().get_guild_settings(guild_id)
        if self.read_delay_s:
            await asyncio.sleep(self.read_delay_s)
        return settings

    async def get_account(self, user_id: int) -> LinkedAccount | None:
        self.account_reads += 1
        return await super().get_account(user_id)


@pytest.fixture
async def sqlite_cached(tmp_path: Path) -> AsyncIterator[CachedRepository]:
    repo = CachedRepository(await SqliteRepository.open(tmp_path / "bot.sqlite3", TokenCipher.generate()))
    yield repo
    await repo.close()


async def test_repeated_reads_do_not_reach_the_store() -> None:
    inner = CountingRepository()
    repo = CachedRepository(inner)
    await inner.save_account(account())
    for _ in range(3):
        assert (await repo.get_guild_settings(5)).guild_id == 5
        assert (await repo.get_account(1)) is not None
    assert inner.guild_reads == 1 and inner.account_reads == 1


async def test_guild_updates_are_seen_at_once(sqlite_cached: CachedRepository) -> None:
    assert (await sqlite_cached.get_guild_settings(5)).controller_user_id is None
    await sqlite_cached.update_guild_settings(5, controller_user_id=7, language="es")
    settings = await sqlite_cached.get_guild_settings(5)
    assert (settings.controller_user_id, settings.language) == (7, "es")


async def test_unlinking_the_controller_is_seen_by_its_guilds(sqlite_cached: CachedRepository) -> None:
    await sqlite_cached.save_account(account(7))
    await sqlite_cached.update_guild_settings(5, controller_user_id=7)
    assert (await sqlite_cached.get_guild_settings(5)).controller_user_id == 7
    assert await sqlite_cached.delete_account(7)
    assert (await sqlite_cached.get_guild_settings(5)).controller_user_id is None
    assert await sqlite_cached.get_account(7) is None


async def test_token_writes_are_seen_at_once(sqlite_cached: CachedRepository) -> None:
    await sqlite_cached.save_account(account(1, access="old"))
    assert (await sqlite_cached.get_account(1)).token.access_token == "old"  # type: ignore[union-attr]
    await sqlite_cached.update_token(1, SpotifyToken("new", "refresh-2", expires_at=2_100_000_000.0))
    assert (await sqlite_cached.get_account(1)).token.access_token == "new"  # type: ignore[union-attr]
    await sqlite_cached.mark_needs_relink(1)
    assert (await sqlite_cached.get_account(1)).needs_relink  # type: ignore[union-attr]


async def test_callers_get_copies(sqlite_cached: CachedRepository) -> None:
    await sqlite_cached.save_account(account(1))
    settings = await sqlite_cached.get_guild_settings(5)
    settings.controller_user_id = 99
    linked = await sqlite_cached.get_account(1)
    assert linked is not None
    linked.token.access_token = "changed"
    assert (await sqlite_cached.get_guild_settings(5)).controller_user_id is None
    assert (await sqlite_cached.get_account(1)).token.access_token == "access-1"  # type: ignore[union-attr]


async def test_a_read_that_raced_a_write_is_not_kept() -> None:
    inner = CountingRepository()
    repo = CachedRepository(inner)
    inner.read_delay_s = 0.05
    slow_read = asyncio.create_task(repo.get_guild_settings(5))  # reads the old row, then waits
    await asyncio.sleep(0.01)
    await repo.update_guild_settings(5, controller_user_id=3)
    assert (await slow_read).controller_user_id is None  # it began before the write
    inner.read_delay_s = 0.0
    assert (await repo.get_guild_settings(5)).controller_user_id == 3


async def test_the_cache_is_bounded() -> None:
    repo = CachedRepository(MemoryRepository(), max_entries=3)
    for guild in range(10):
        await repo.get_guild_settings(guild)
    assert repo.cached_guilds == 3
