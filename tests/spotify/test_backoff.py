"""The per-app back-off gate: pure timing rules, then over the wire with real spotipy against FakeSpotify."""

from __future__ import annotations

import email.utils
import time

import aiohttp
import pytest
from spotipy.exceptions import SpotifyException

from bot.demo.spotify_server import FakeSpotify
from bot.nlu import actions as a
from bot.spotify.client import DEFAULT_RETRY_AFTER_S, BackoffGate, BackoffGates, is_transient, retry_after_s
from bot.spotify.errors import RateLimited, SpotifyUnavailable
from bot.spotify.manager import SessionManager
from bot.storage.sqlite import SqliteRepository
from tests.spotify.conftest import MapTokens, api_requests, guild_ctx, link


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_gate_fails_fast_until_retry_after_has_passed() -> None:
    clock = Clock()
    gate = BackoffGate("app", clock)
    gate.check()  # open
    gate.close_for(30)
    clock.now += 10.2
    with pytest.raises(RateLimited) as info:
        gate.check()
    assert info.value.params == {"seconds": 20}
    assert "20 s" in info.value.message("en")
    assert "20 s" in info.value.message("es")
    clock.now += 20
    gate.check()


def test_gate_never_shortens_a_longer_wait() -> None:
    clock = Clock()
    gate = BackoffGate("app", clock)
    gate.close_for(3600)
    gate.close_for(5)
    assert gate.remaining_s() == pytest.approx(3600)


def test_gates_are_shared_per_app_only() -> None:
    gates = BackoffGates(Clock())
    assert gates.for_app("a") is gates.for_app("a")
    gates.for_app("a").close_for(30)
    gates.for_app("b").check()


@pytest.mark.parametrize(
    ("header", "expected"),
    [("30", 30.0), ("0", 1.0), ("2.5", 2.5), ("soon", DEFAULT_RETRY_AFTER_S), (None, DEFAULT_RETRY_AFTER_S)],
)
def test_retry_after_seconds(header: str | None, expected: float) -> None:
    headers = {} if header is None else {"Retry-After": header}
    assert retry_after_s(headers) == pytest.approx(expected)


def test_retry_after_http_date_and_cap() -> None:
    in_two_minutes = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 100 <= retry_after_s({"Retry-After": in_two_minutes}) <= 121
    assert retry_after_s({"Retry-After": "999999999"}) == 24 * 3600


def test_only_5xx_and_network_failures_are_transient() -> None:
    assert is_transient(SpotifyException(503, -1, "x"))
    assert not is_transient(SpotifyException(429, -1, "x"))
    assert not is_transient(SpotifyException(404, -1, "x", reason="NO_ACTIVE_DEVICE"))
    assert is_transient(TimeoutError())
    assert is_transient(aiohttp.ServerDisconnectedError())
    assert is_transient(aiohttp.ClientConnectionError())
    assert not is_transient(ValueError())


# ---- over the wire ------------------------------------------------------------------------------------


async def test_429_closes_the_gate_for_every_session_of_the_same_app_only(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    first = await link(fake, repo, tokens, 1, guild_id=41, client_id="app-a")
    second = await link(fake, repo, tokens, 2, guild_id=42, client_id="app-a")
    other_app = await link(fake, repo, tokens, 3, guild_id=43, client_id="app-b")
    fake.fail_next("/v1/me/player/volume", 429, retry_after=30)

    s1 = await manager.session_for(guild_ctx(41))
    limited = await s1.execute(a.Volume(level=10), guild_ctx(41))
    assert isinstance(limited.error, RateLimited)
    assert limited.message("en") == "Spotify asked us to wait 30 s. Please try again after that."

    sent_before = len(api_requests(fake))
    s2 = await manager.session_for(guild_ctx(42))
    blocked = await s2.execute(a.Volume(level=20), guild_ctx(42))
    assert isinstance(blocked.error, RateLimited)
    assert blocked.params["seconds"] in (29, 30)
    assert len(api_requests(fake)) == sent_before  # failed fast: nothing was sent
    assert api_requests(fake, second) == []

    s3 = await manager.session_for(guild_ctx(43))
    fine = await s3.execute(a.Volume(level=30), guild_ctx(43))
    assert fine.ok and fake.player(other_app).volume == 30
    assert fake.player(first).volume == 60


async def test_5xx_on_get_is_retried_once(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    await link(fake, repo, tokens, 1, guild_id=44)
    fake.fail_next("/v1/me/player/devices", 502)
    outcome = await (await manager.session_for(guild_ctx(44))).execute(a.Devices(), guild_ctx(44))
    assert outcome.ok and len(outcome.devices) == 2
    assert api_requests(fake).count(("GET", "/v1/me/player/devices")) == 2


async def test_5xx_on_put_volume_is_retried(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    user = await link(fake, repo, tokens, 1, guild_id=45)
    fake.fail_next("/v1/me/player/volume", 500)
    outcome = await (await manager.session_for(guild_ctx(45))).execute(a.Volume(level=25), guild_ctx(45))
    assert outcome.ok and fake.player(user).volume == 25


async def test_5xx_on_post_next_is_never_retried(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, manager: SessionManager
) -> None:
    user = await link(fake, repo, tokens, 1, guild_id=46)
    session = await manager.session_for(guild_ctx(46))
    await session.execute(a.Play(query="discovery", kind="album"), guild_ctx(46))
    before = fake.player(user).item
    fake.fail_next("/v1/me/player/next", 503)
    outcome = await session.execute(a.Skip(), guild_ctx(46))
    assert isinstance(outcome.error, SpotifyUnavailable)
    assert api_requests(fake).count(("POST", "/v1/me/player/next")) == 1
    assert fake.player(user).item == before
