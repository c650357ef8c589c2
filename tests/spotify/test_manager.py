"""Which account a request acts on, lazy sessions, idle eviction, ordering within a guild, parallel guilds."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.nlu import actions as a
from bot.spotify.errors import GuildNotLinked
from bot.spotify.manager import SessionManager
from bot.storage.sqlite import SqliteRepository
from tests.spotify.conftest import MapTokens, api_requests, dm_ctx, guild_ctx, link


async def test_guild_acts_on_the_controller_account(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    owner = await link(fake, repo, tokens, 1, guild_id=30)
    other = await link(fake, repo, tokens, 2)
    ctx = guild_ctx(30, user_id=2)  # user 2 types in the guild, user 1's account plays
    outcome = await (await manager.session_for(ctx)).execute(a.Volume(level=12), ctx)
    assert outcome.ok
    assert fake.player(owner).volume == 12
    assert fake.player(other).volume == 60
    assert {r.user_id for r in fake.requests if r.path.startswith("/v1/")} == {owner}


async def test_dm_acts_on_the_users_own_account(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    await link(fake, repo, tokens, 1, guild_id=30)
    mine = await link(fake, repo, tokens, 2)
    ctx = dm_ctx(2)
    outcome = await (await manager.session_for(ctx)).execute(a.Volume(level=77), ctx)
    assert outcome.ok and fake.player(mine).volume == 77


async def test_guild_without_controller_is_not_linked(manager: SessionManager) -> None:
    with pytest.raises(GuildNotLinked) as info:
        await manager.session_for(guild_ctx(31))
    assert "/spotify link" in info.value.message("en")
    assert "servidor" in info.value.message("es")


async def test_sessions_are_reused_and_follow_a_controller_change(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    await link(fake, repo, tokens, 1, guild_id=32)
    first = await manager.session_for(guild_ctx(32))
    assert await manager.session_for(guild_ctx(32, user_id=5)) is first
    new_owner = await link(fake, repo, tokens, 2, guild_id=32)
    second = await manager.session_for(guild_ctx(32))
    assert second is not first and second.user_id == 2
    await second.execute(a.Volume(level=5), guild_ctx(32))
    assert fake.player(new_owner).volume == 5
    assert manager.session_count == 1


async def test_idle_sessions_are_evicted(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Settings
) -> None:
    now = [0.0]
    sessions = SessionManager(
        repo=repo, tokens=tokens, settings=settings, api_base=fake.api_base, clock=lambda: now[0]
    )
    try:
        await link(fake, repo, tokens, 1, guild_id=33)
        await link(fake, repo, tokens, 2, guild_id=34)
        old = await sessions.session_for(guild_ctx(33))
        now[0] = settings.session_idle_s - 10
        await sessions.session_for(guild_ctx(34))
        now[0] = settings.session_idle_s + 5
        assert sessions.evict_idle(force=True) == 1  # guild 33 idle too long, guild 34 not
        assert sessions.session_count == 1
        fresh = await sessions.session_for(guild_ctx(33))
        assert fresh is not old
        assert (await fresh.execute(a.Devices(), guild_ctx(33))).ok
    finally:
        await sessions.aclose()


async def test_actions_of_one_guild_run_in_order(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    user = await link(fake, repo, tokens, 1, guild_id=35)
    fake.latency_s = 0.01
    session = await manager.session_for(guild_ctx(35))
    levels = [10, 20, 30, 40, 50, 60]
    outcomes = await asyncio.gather(*(session.execute(a.Volume(level=v), guild_ctx(35)) for v in levels))
    assert all(o.ok for o in outcomes)
    sent = [int(r.query["volume_percent"]) for r in fake.requests if r.path == "/v1/me/player/volume"]
    assert sent == levels
    assert fake.player(user).volume == 60


async def test_fifty_guilds_in_parallel_one_slow_guild_delays_no_one(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    users = [await link(fake, repo, tokens, 100 + g, guild_id=1000 + g) for g in range(50)]
    tokens.delay_s[100] = 2.0  # guild 1000's token provider hangs
    slow = asyncio.create_task(_volume(manager, 1000, 1))
    others = [asyncio.create_task(_volume(manager, 1000 + g, g)) for g in range(1, 50)]
    started = time.monotonic()
    done, _ = await asyncio.wait(others)
    elapsed = time.monotonic() - started
    assert all(t.result() for t in done)
    assert not slow.done(), f"the 49 other guilds took {elapsed:.2f}s"
    assert all(fake.player(users[g]).volume == g for g in range(1, 50))
    assert await slow
    assert fake.player(users[0]).volume == 1
    assert manager.session_count == 50


async def _volume(manager: SessionManager, guild_id: int, level: int) -> bool:
    ctx = guild_ctx(guild_id)
    session = await manager.session_for(ctx)
    return (await session.execute(a.Volume(level=level), ctx)).ok


async def test_aclose_stops_the_pool(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Settings
) -> None:
    sessions = SessionManager(repo=repo, tokens=tokens, settings=settings, api_base=fake.api_base)
    await link(fake, repo, tokens, 1, guild_id=36)
    session = await sessions.session_for(guild_ctx(36))
    await sessions.aclose()
    before = len(api_requests(fake))
    outcome = await session.execute(a.Pause(), guild_ctx(36))
    assert not outcome.ok and len(api_requests(fake)) == before
