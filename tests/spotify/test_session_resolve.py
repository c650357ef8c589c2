"""Catalog resolution: splitting requests, links, genres, and what goes over the wire."""

from __future__ import annotations

import logging

import pytest

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.llm.errors import LLMUnavailable
from bot.llm.protocols import TrackSuggestion
from bot.nlu import actions as a
from bot.spotify.errors import RateLimited
from bot.spotify.manager import SessionManager
from bot.spotify.resolve import fold, parse_spotify_link, split_title_artist
from bot.spotify.session import GuildSession
from bot.storage.sqlite import SqliteRepository
from tests.spotify.conftest import MapTokens, guild_ctx, link

GUILD = 50
CTX = guild_ctx(GUILD)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get Lucky by Daft Punk", ("Get Lucky", "Daft Punk")),
        ("la flaca de jarabe de palo", ("la flaca", "jarabe de palo")),
        ("Creep - Radiohead", ("Creep", "Radiohead")),
        ("bohemian rhapsody", ("bohemian rhapsody", None)),
    ],
)
def test_split_title_artist(text: str, expected: tuple[str, str | None]) -> None:
    assert split_title_artist(text) == expected


def test_links_and_folding() -> None:
    assert parse_spotify_link("spotify:album:4aawyAB9vmqN3uQ7FjRGTy") == ("album", "4aawyAB9vmqN3uQ7FjRGTy")
    assert parse_spotify_link("https://open.spotify.com/intl-es/track/7a3LWj5xSFhFRYmztS8wgK?si=x") == (
        "track",
        "7a3LWj5xSFhFRYmztS8wgK",
    )
    assert parse_spotify_link("spotify rocks") is None
    assert fold("  Rosalía — MALAMENTE! ") == "rosalia malamente"


@pytest.fixture
async def alice(fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens) -> str:
    return await link(fake, repo, tokens, 1, guild_id=GUILD)


@pytest.fixture
async def session(manager: SessionManager, alice: str) -> GuildSession:
    return await manager.session_for(CTX)


async def test_play_a_spotify_link(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    track = fake.catalog.track_by_title("Yellow", "Coldplay")
    outcome = await session.execute(a.Play(query=f"https://open.spotify.com/track/{track.id}"), CTX)
    assert outcome.ok and outcome.message("en") == "Playing **Yellow — Coldplay**"
    assert fake.player(alice).current_uri == track.uri
    assert not [r for r in fake.requests if r.path == "/v1/search"]


async def test_play_a_genre_picks_a_playlist(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    outcome = await session.execute(a.Play(query="jazz", kind="genre"), CTX)
    assert outcome.ok, outcome.message("en")
    context = fake.player(alice).context_uri
    assert context is not None and context.startswith("spotify:playlist:")
    assert "Jazz" in outcome.message("en")


async def test_play_spanish_request_with_de(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    outcome = await session.execute(a.Play(query="whenever wherever de shakira"), CTX)
    assert outcome.ok
    assert fake.player(alice).current_uri == fake.catalog.track_by_title("Whenever, Wherever", "Shakira").uri


async def test_recommend_when_the_llm_is_down(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Settings, alice: str
) -> None:
    class DownSuggester:
        async def suggest_tracks(self, prompt: str, count: int, lang: str) -> list[TrackSuggestion]:
            raise LLMUnavailable()

    sessions = SessionManager(
        repo=repo, tokens=tokens, settings=settings, suggester=DownSuggester(), api_base=fake.api_base
    )
    try:
        outcome = await (await sessions.session_for(CTX)).execute(a.Recommend(prompt="chill"), CTX)
    finally:
        await sessions.aclose()
    assert isinstance(outcome.error, LLMUnavailable) and not outcome.tracks


async def test_recommend_when_every_search_is_rate_limited(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Settings, alice: str
) -> None:
    class Suggester:
        async def suggest_tracks(self, prompt: str, count: int, lang: str) -> list[TrackSuggestion]:
            return [
                TrackSuggestion(title="Yellow", artist="Coldplay"),
                TrackSuggestion(title="Creep", artist="Radiohead"),
            ]

    fake.fail_next("/v1/search", 429, retry_after=12, times=5)
    sessions = SessionManager(
        repo=repo, tokens=tokens, settings=settings, suggester=Suggester(), api_base=fake.api_base
    )
    try:
        outcome = await (await sessions.session_for(CTX)).execute(a.Recommend(prompt="sad", count=2), CTX)
    finally:
        await sessions.aclose()
    assert isinstance(outcome.error, RateLimited)
    assert "12 s" in outcome.message("en")


async def test_tokens_never_reach_logs(
    fake: FakeSpotify, session: GuildSession, tokens: MapTokens, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.fail_next("/v1/me/player/pause", 500, times=2)
    await session.execute(a.Pause(), CTX)
    token = tokens.tokens[1]
    fake.expire_token(token)
    await session.execute(a.Devices(), CTX)
    tokens.tokens[1] = fake.issue_token("u1")
    fake.fail_next("/v1/search", 429, retry_after=3)
    await session.execute(a.Play(query="creep"), CTX)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "status=500" in text and "status=429" in text and "status=401" in text
    assert token not in text and tokens.tokens[1] not in text
