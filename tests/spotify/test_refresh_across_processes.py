"""Two processes (two LinkServices, each with its own PostgreSQL pool) share one linked account."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from pydantic import SecretStr

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.spotify.oauth import LinkService
from bot.storage.crypto import TokenCipher
from bot.storage.postgres import PostgresRepository

APP = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
ALICE = 111


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_token_refreshed_by_one_process_is_used_by_the_other(tmp_path: Path, pg_dsn: str) -> None:
    fake = FakeSpotify()
    await fake.start()
    fake.add_user("alice", display_name="Alice")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        spotify_client_id=APP,
        database_url=SecretStr(pg_dsn),
    )
    cipher, clock = TokenCipher.generate(), Clock()
    repos = [await PostgresRepository.open(pg_dsn, cipher, pool_size=4) for _ in range(2)]
    services = [
        LinkService(repo, settings, accounts_base=fake.accounts_base, api_base=fake.api_base, clock=clock)
        for repo in repos
    ]
    fake.register_client(APP, [services[0].redirect_uri()])
    try:
        fake.queue_authorization("alice")
        url = await services[0].start_link(ALICE, None, "en")
        async with aiohttp.ClientSession() as http, http.get(url, allow_redirects=False) as resp:
            callback = resp.headers["Location"]
        result = await services[1].complete_from_url(
            callback, ALICE, lang="en"
        )  # the other process finishes it
        assert result.ok

        clock.now += 3600  # expired for both processes
        tokens = await asyncio.gather(*(services[i % 2].access_token(ALICE) for i in range(10)))
        refreshes = [
            r for r in fake.requests if r.path == "/api/token" and r.form["grant_type"] == "refresh_token"
        ]
        assert len(refreshes) == 1  # single flight across the two processes
        assert len(set(tokens)) == 1
        stored = await repos[0].get_account(ALICE)
        assert stored is not None and not stored.needs_relink and stored.token.access_token == tokens[0]
    finally:
        for service in services:
            await service.aclose()
        for repo in repos:
            await repo.close()
        await fake.stop()
