"""The session's short player memory: fewer round trips, and never trusted once stale or contradicted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.nlu import actions as a
from bot.spotify.manager import SessionManager
from bot.spotify.session import PLAYER_MEMORY_S, GuildSession
from bot.storage.sqlite import SqliteRepository
from tests.spotify.conftest import MapTokens, api_requests, guild_ctx, link

GUILD = 12
CTX = guild_ctx(GUILD)
PLAYER = ("GET", "/v1/me/player")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def alice(fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens) -> str:
    return await link(fake, repo, tokens, 1, guild_id=GUILD)


@pytest.fixture
async def session(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Settings, clock: Clock, alice: str
) -> AsyncIterator[GuildSession]:
    sessions = SessionManager(
        repo=repo, tokens=tokens, settings=settings, api_base=fake.api_base, clock=clock
    )
    yield await sessions.session_for(CTX)
    await sessions.aclose()


def sent(fake: FakeSpotify, since: int) -> list[tuple[str, str]]:
    return api_requests(fake)[since:]


async def test_pausing_twice_needs_no_extra_read(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    await session.execute(a.Play(query="get lucky by daft punk"), CTX)
    assert (await session.execute(a.Pause(), CTX)).message("en") == "Paused."
    before = len(api_requests(fake))
    again = await session.execute(a.Pause(), CTX)
    assert again.ok and again.message("en") == "Already paused."
    assert sent(fake, before) == [("PUT", "/v1/me/player/pause")]  # the 403, and no GET to explain it
    assert not fake.player(alice).is_playing


async def test_resuming_twice_needs_no_extra_read(fake: FakeSpotify, session: GuildSession) -> None:
    await session.execute(a.Play(query="get lucky by daft punk"), CTX)
    before = len(api_requests(fake))
    again = await session.execute(a.Resume(), CTX)
    assert again.ok and again.message("en") == "Already playing."
    assert sent(fake, before) == [("PUT", "/v1/me/player/play")]


async def test_paused_elsewhere_is_read_not_guessed(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    await session.execute(a.Play(query="get lucky by daft punk"), CTX)  # we saw it playing
    fake.player(alice).pause()  # someone paused it from their phone
    before = len(api_requests(fake))
    outcome = await session.execute(a.Pause(), CTX)
    assert outcome.ok and outcome.message("en") == "Already paused."
    assert sent(fake, before) == [("PUT", "/v1/me/player/pause"), PLAYER]  # memory said playing: asked


async def test_volume_steps_start_from_the_level_just_set(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    await session.execute(a.Volume(level=40), CTX)
    before = len(api_requests(fake))
    up = await session.execute(a.Volume(delta=10), CTX)
    down = await session.execute(a.Volume(delta=-25), CTX)
    assert up.message("en") == "Volume set to 50%" and down.message("en") == "Volume set to 25%"
    assert fake.player(alice).volume == 25
    assert sent(fake, before) == [("PUT", "/v1/me/player/volume")] * 2


async def test_stale_memory_is_read_again(
    fake: FakeSpotify, session: GuildSession, alice: str, clock: Clock
) -> None:
    await session.execute(a.Volume(level=40), CTX)
    device = fake.player(alice).device
    assert device is not None
    device["volume_percent"] = 80  # changed in the Spotify app
    clock.now += PLAYER_MEMORY_S + 1
    before = len(api_requests(fake))
    up = await session.execute(a.Volume(delta=10), CTX)
    assert up.message("en") == "Volume set to 90%"
    requests = sent(fake, before)
    assert requests[0] == PLAYER and requests[-1] == ("PUT", "/v1/me/player/volume")


async def test_a_failed_command_clears_the_memory(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    await session.execute(a.Volume(level=40), CTX)
    fake.fail_next("/v1/me/player/shuffle", 403, reason="UNKNOWN", message="Player command failed")
    assert not (await session.execute(a.Shuffle(on=True), CTX)).ok
    device = fake.player(alice).device
    assert device is not None
    device["volume_percent"] = 70
    before = len(api_requests(fake))
    up = await session.execute(a.Volume(delta=5), CTX)
    assert up.message("en") == "Volume set to 75%"
    assert sent(fake, before)[0] == PLAYER
