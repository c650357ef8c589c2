"""Two processes on PostgreSQL: a 429 seen by one holds the other back (the back-off gate per app is shared)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.nlu import actions as a
from bot.spotify.errors import RateLimited
from bot.spotify.manager import SessionManager
from bot.storage.crypto import TokenCipher
from bot.storage.postgres import PostgresRepository
from tests.spotify.conftest import MAIN_APP, MapTokens, api_requests, guild_ctx, link


@pytest.fixture
async def processes(
    fake: FakeSpotify, tokens: MapTokens, pg_dsn: str
) -> AsyncIterator[list[tuple[PostgresRepository, SessionManager]]]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        spotify_client_id=MAIN_APP,
        database_url=SecretStr(pg_dsn),
    )
    cipher = TokenCipher.generate()
    pairs = []
    for _ in range(2):
        repo = await PostgresRepository.open(pg_dsn, cipher, pool_size=4)
        pairs.append(
            (repo, SessionManager(repo=repo, tokens=tokens, settings=settings, api_base=fake.api_base))
        )
    yield pairs
    for repo, manager in pairs:
        await manager.aclose()
        await repo.close()


async def test_a_429_in_one_process_holds_the_other_back(
    fake: FakeSpotify, tokens: MapTokens, processes: list[tuple[PostgresRepository, SessionManager]]
) -> None:
    (repo, first), (_, second) = processes
    await link(fake, repo, tokens, 1, guild_id=41, client_id="app-a")  # type: ignore[arg-type]
    await link(fake, repo, tokens, 2, guild_id=42, client_id="app-a")  # type: ignore[arg-type]
    other = await link(fake, repo, tokens, 3, guild_id=43, client_id="app-b")  # type: ignore[arg-type]
    fake.fail_next("/v1/me/player/volume", 429, retry_after=30)

    limited = await (await first.session_for(guild_ctx(41))).execute(a.Volume(level=10), guild_ctx(41))
    assert isinstance(limited.error, RateLimited)

    sent = len(api_requests(fake))
    blocked = await (await second.session_for(guild_ctx(42))).execute(a.Volume(level=20), guild_ctx(42))
    assert isinstance(blocked.error, RateLimited)  # the other process never saw a 429 itself
    assert blocked.params["seconds"] in (29, 30)
    assert blocked.message("es") in {
        f"Spotify nos pidió esperar {n} s. Vuelve a intentarlo después." for n in (29, 30)
    }
    assert len(api_requests(fake)) == sent  # failed fast: nothing was sent

    fine = await (await second.session_for(guild_ctx(43))).execute(a.Volume(level=30), guild_ctx(43))
    assert fine.ok and fake.player(other).volume == 30  # another app is not held back
