"""Two bot worker processes and one web process on one PostgreSQL, with the fake Spotify on 127.0.0.1.

What one process does, the other sees at once: an unlink, a token refresh (single flight, the rotated token is
used by both), a 429 (holds both back); and 100 guilds x 10 commands spread over both lose nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.demo.spotify_server import FakeSpotify
from bot.storage.crypto import TokenCipher
from bot.storage.postgres import PostgresRepository
from bot.storage.repository import LinkedAccount, SpotifyToken
from tests.multiprocess.deployment import APP, Deployment

pytestmark = pytest.mark.timeout(240)

ALICE = 101
GUILD = 7_000


@pytest.fixture
async def deployment(tmp_path: Path, pg_dsn: str) -> AsyncIterator[Deployment]:
    fake = FakeSpotify()
    await fake.start()
    fake.add_user("alice", display_name="Alice")
    deployed = await Deployment.start(fake, pg_dsn, tmp_path, workers=2)
    yield deployed
    await deployed.stop()
    await fake.stop()


def refreshes(fake: FakeSpotify) -> int:
    return sum(
        1 for r in fake.requests if r.path == "/api/token" and r.form.get("grant_type") == "refresh_token"
    )


async def link_through_the_web_process(
    deployment: Deployment, user: int, guild: int, spotify_user: str
) -> None:
    """/spotify link in worker 0; the browser approves; the web process completes it from the shared state."""
    started = await deployment.workers[0].request("link", user=user, guild=guild)
    deployment.fake.queue_authorization(spotify_user)
    async with aiohttp.ClientSession() as http, http.get(started["url"]) as resp:
        page = await resp.text()
        assert resp.status == 200, page
        assert str(resp.url).startswith(deployment.web_base + "/callback")


async def test_two_workers_share_links_tokens_back_off_and_lose_nothing(
    deployment: Deployment, pg_dsn: str
) -> None:
    a, b = deployment.workers
    fake = deployment.fake

    # A link started in worker A, completed by the web process, is used by worker B.
    await link_through_the_web_process(deployment, ALICE, GUILD, "alice")
    reply = await b.say(555, GUILD, "volume 30")
    assert reply["ok"], reply
    assert fake.player("alice").volume == 30

    # A token refreshed by one process is used by the other: one refresh for both.
    before = refreshes(fake)
    # Expire the stored access token as time would (both workers must now refresh or re-read).
    async with _repo(pg_dsn, deployment) as shared:
        account = await shared.get_account(ALICE)
        assert account is not None
        old_access = account.token.access_token
        await shared.update_token(
            ALICE, SpotifyToken(old_access, account.token.refresh_token, time.time() - 10)
        )
    fake.expire_token(old_access)  # Spotify would answer 401 to the old token from now on
    replies = await asyncio.gather(*(w.say(555, GUILD, f"volume {40 + i}") for i, w in enumerate([a, b] * 4)))
    assert all(r["ok"] for r in replies), replies
    assert refreshes(fake) - before == 1  # single flight across the two processes
    async with _repo(pg_dsn, deployment) as shared:
        account = await shared.get_account(ALICE)
        assert account is not None and not account.needs_relink and account.token.access_token != old_access

    # An unlink in worker A is honoured by worker B at once.
    assert (await a.request("unlink", user=ALICE))["removed"] is True
    reply = await b.say(555, GUILD, "volume 10")
    assert not reply["ok"]
    assert reply["messages"] == [
        "No Spotify account controls this server yet. Someone can connect one with `/spotify link`."
    ]
    assert fake.player("alice").volume != 10

    # 100 guilds x 10 commands, spread over both workers: every command answered, every one reached Spotify.
    guilds = list(range(1, 101))
    async with _repo(pg_dsn, deployment) as shared:
        for guild in guilds:
            token = fake.add_user(f"g{guild}")
            await shared.save_account(
                LinkedAccount(
                    guild, f"g{guild}", f"G{guild}", APP, SpotifyToken(token, "r", time.time() + 3600)
                )
            )
            await shared.update_guild_settings(guild, controller_user_id=guild)
    sent_before = len(fake.requests)
    load = [
        deployment.workers[(guild + i) % 2].say(1_000 + i, guild, f"volume {i + 1}")
        for i in range(10)
        for guild in guilds
    ]
    started = time.perf_counter()
    answers = await asyncio.gather(*load)
    elapsed = time.perf_counter() - started
    assert len(answers) == 1000 and all(r["ok"] for r in answers), [r for r in answers if not r["ok"]][:3]
    volume_puts = [r for r in fake.requests[sent_before:] if r.path == "/v1/me/player/volume"]
    assert len(volume_puts) == 1000
    assert {r.user_id for r in volume_puts} == {f"g{g}" for g in guilds}
    print(f"\n1000 commands over 2 workers in {elapsed:.2f} s ({1000 / elapsed:.0f} commands/s)")

    # A 429 seen by worker A holds worker B back (same Spotify app), without a request from B.
    fake.fail_next("/v1/me/player/volume", 429, retry_after=30)
    limited = await a.say(1, 1, "volume 55")
    assert limited["messages"] == ["Spotify asked us to wait 30 s. Please try again after that."]
    sent = len(fake.requests)
    held = await b.say(2, 2, "volume 56")
    assert not held["ok"] and held["messages"][0].startswith("Spotify asked us to wait")
    assert len(fake.requests) == sent


class _repo:
    """The test's own connection to the deployment's database (same encryption key as the processes)."""

    def __init__(self, dsn: str, deployment: Deployment) -> None:
        self._dsn = dsn
        self._deployment = deployment
        self._repo: PostgresRepository | None = None

    async def __aenter__(self) -> PostgresRepository:
        self._repo = await PostgresRepository.open(self._dsn, TokenCipher(self._deployment.key))
        return self._repo

    async def __aexit__(self, *exc: object) -> None:
        assert self._repo is not None
        await self._repo.close()
