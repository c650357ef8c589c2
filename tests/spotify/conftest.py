"""Sessions against the fake Spotify Web API on 127.0.0.1, with a real SQLite repository."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.llm.protocols import TrackSuggestion
from bot.nlu.plan import Context
from bot.spotify.errors import NotLinked
from bot.spotify.manager import SessionManager
from bot.storage.crypto import TokenCipher
from bot.storage.repository import LinkedAccount, SpotifyToken
from bot.storage.sqlite import SqliteRepository

MAIN_APP = "app-main"


class MapTokens:
    """TokenProvider over a dict; `delay_s` makes one user's token slow; `rotate` hands out a new one."""

    def __init__(self) -> None:
        self.tokens: dict[int, str] = {}
        self.delay_s: dict[int, float] = {}
        self.calls: list[int] = []
        self.next_tokens: dict[int, list[str]] = {}

    async def access_token(self, user_id: int) -> str:
        self.calls.append(user_id)
        delay = self.delay_s.get(user_id, 0.0)
        if delay:
            await asyncio.sleep(delay)
        queued = self.next_tokens.get(user_id)
        if queued:
            self.tokens[user_id] = queued.pop(0)
        if user_id not in self.tokens:
            raise NotLinked()
        return self.tokens[user_id]


@dataclass
class ScriptedSuggester:
    """TrackSuggester that answers a fixed list and records what it was asked."""

    answers: list[TrackSuggestion]
    asked: list[tuple[str, int, str]] = field(default_factory=list)

    async def suggest_tracks(self, prompt: str, count: int, lang: str) -> list[TrackSuggestion]:
        self.asked.append((prompt, count, lang))
        return list(self.answers)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSpotify]:
    server = FakeSpotify()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[SqliteRepository]:
    repository = await SqliteRepository.open(tmp_path / "bot.sqlite3", TokenCipher.generate())
    yield repository
    await repository.close()


@pytest.fixture
def tokens() -> MapTokens:
    return MapTokens()


@pytest.fixture
def settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        spotify_client_id=MAIN_APP,
        spotify_timeout_s=5.0,
        session_idle_s=900.0,
    )


@pytest.fixture
async def manager(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Settings
) -> AsyncIterator[SessionManager]:
    sessions = SessionManager(repo=repo, tokens=tokens, settings=settings, api_base=fake.api_base)
    yield sessions
    await sessions.aclose()


async def link(
    fake: FakeSpotify,
    repo: SqliteRepository,
    tokens: MapTokens,
    user_id: int,
    *,
    guild_id: int | None = None,
    client_id: str = MAIN_APP,
    premium: bool = True,
    devices: list[dict[str, Any]] | None = None,
) -> str:
    """Create a fake Spotify user for a Discord user, store the link, make them a guild's controller."""
    spotify_user = f"u{user_id}"
    token = fake.add_user(spotify_user, premium=premium, devices=devices)
    tokens.tokens[user_id] = token
    await repo.save_account(
        LinkedAccount(
            user_id=user_id,
            spotify_id=spotify_user,
            display_name=spotify_user,
            client_id=client_id,
            token=SpotifyToken(access_token=token, refresh_token="r", expires_at=2e9),
        )
    )
    if guild_id is not None:
        await repo.update_guild_settings(guild_id, controller_user_id=user_id)
    return spotify_user


def guild_ctx(guild_id: int, user_id: int = 999, locale: str = "en") -> Context:
    return Context(user_id=user_id, guild_id=guild_id, channel_id=1, locale=locale)  # type: ignore[arg-type]


def dm_ctx(user_id: int, locale: str = "en") -> Context:
    return Context(user_id=user_id, is_dm=True, locale=locale)  # type: ignore[arg-type]


def api_requests(fake: FakeSpotify, spotify_user: str | None = None) -> list[tuple[str, str]]:
    """(method, path) of the Web API requests the fake received, optionally for one user."""
    return [
        (r.method, r.path)
        for r in fake.requests
        if r.path.startswith("/v1/") and (spotify_user is None or r.user_id == spotify_user)
    ]
