"""The request seam: spotipy builds every request, the shared aiohttp session sends it.

Each call is made twice against the fake Web API: once through `SpotifyApi` (spotipy -> RequestRecorder ->
aiohttp) and once by plain spotipy on requests, as it ships. The fake must receive the same requests.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import requests
import spotipy

from bot.demo.spotify_server import FakeSpotify
from bot.http_pool import HttpPool
from bot.nlu import actions as a
from bot.spotify.client import (
    ACCOUNT_IN_FLIGHT,
    BackoffGate,
    SpotifyApi,
    SpotifyTransport,
    build_request,
    prepared_url,
)
from bot.spotify.errors import SpotifyUnavailable
from bot.spotify.manager import SessionManager
from bot.storage.sqlite import SqliteRepository
from tests.fakes.spotify import spotify_client
from tests.spotify.conftest import MapTokens, guild_ctx, link

Call = Callable[[spotipy.Spotify], Callable[[], Any]]


@pytest.fixture
async def http() -> AsyncIterator[HttpPool]:
    pool = HttpPool()
    yield pool
    await pool.aclose()


def seam_api(fake: FakeSpotify, http: HttpPool, token: str, *, timeout_s: float = 5.0) -> SpotifyApi:
    transport = SpotifyTransport(http=http, api_base=fake.api_base, timeout_s=timeout_s)

    async def provide() -> str:
        return token

    return SpotifyApi(transport=transport, gate=BackoffGate("app"), token=provide, label="test")


def seen(fake: FakeSpotify) -> list[tuple[str, str, dict[str, str], Any]]:
    return [(r.method, r.path, r.query, r.json) for r in fake.requests if r.path.startswith("/v1/")]


def _calls(track_id: str) -> list[tuple[str, Call]]:
    uri = f"spotify:track:{track_id}"
    return [
        ("search", lambda sp: lambda: sp.search(q="Café Tacvba & amigos 100%", limit=5, type="track,artist")),
        ("search es", lambda sp: lambda: sp.search(q="canción de Rosalía", limit=10, type="track")),
        ("player", lambda sp: sp.current_playback),
        ("devices", lambda sp: sp.devices),
        ("play uris", lambda sp: lambda: sp.start_playback(uris=[uri])),
        ("pause", lambda sp: sp.pause_playback),
        ("resume", lambda sp: sp.start_playback),
        ("seek", lambda sp: lambda: sp.seek_track(61_000)),
        ("volume", lambda sp: lambda: sp.volume(35)),
        ("shuffle", lambda sp: lambda: sp.shuffle(True)),
        ("repeat", lambda sp: lambda: sp.repeat("context")),
        ("queue add", lambda sp: lambda: sp.add_to_queue(uri)),
        ("queue", lambda sp: sp.queue),
        ("next", lambda sp: sp.next_track),
        ("previous", lambda sp: sp.previous_track),
        ("playlists", lambda sp: lambda: sp.current_user_playlists(limit=50)),
        ("track", lambda sp: lambda: sp.track(uri)),
        ("like", lambda sp: lambda: sp._put("me/library", uris=uri)),
        (
            "create playlist",
            lambda sp: lambda: sp._post("me/playlists", payload={"name": "Año 2026", "public": False}),
        ),
    ]


async def test_the_fake_receives_what_spotipy_on_requests_would_send(
    fake: FakeSpotify, http: HttpPool
) -> None:
    """Two users in the same state: alice through the seam, bob through spotipy on requests, call by call."""
    track_id = next(iter(fake.catalog.tracks))
    api = seam_api(fake, http, fake.add_user("alice"))
    plain = spotify_client(fake, fake.add_user("bob"))
    for name, make in _calls(track_id):
        fake.requests.clear()
        ours = await api.call(name, make(api.sp), idempotent=False)
        via_seam = seen(fake)
        fake.requests.clear()
        theirs = await asyncio.to_thread(make(plain))
        via_requests = seen(fake)
        assert len(via_seam) == 1, name
        assert via_seam == via_requests, name
        if name in ("search", "search es", "track"):
            assert ours == theirs, name


async def test_a_query_is_encoded_as_requests_encodes_it(fake: FakeSpotify, http: HttpPool) -> None:
    api = seam_api(fake, http, "token")
    api.sp.set_auth("token")
    request = build_request(api.sp.search, (), {"q": "AC/DC año ñ+1 #2", "limit": 3, "market": None})
    assert request.method == "GET"
    assert request.url == (
        f"{fake.api_base}search?q=AC%2FDC+a%C3%B1o+%C3%B1%2B1+%232&limit=3&offset=0&type=track"
    )
    assert request.headers["Authorization"] == "Bearer token"
    assert request.body is None


async def test_a_spotipy_that_no_longer_calls_the_session_sends_nothing_and_says_unavailable(
    fake: FakeSpotify, http: HttpPool, caplog: pytest.LogCaptureFixture
) -> None:
    token = fake.add_user("alice")
    api = seam_api(fake, http, token)
    fake.requests.clear()

    def bypasses_the_session() -> dict[str, str]:  # a spotipy method rewritten to use another client
        return {"id": "x"}

    def new_keyword() -> Any:  # a spotipy that starts passing `json=` to the session
        return api.sp._session.request("POST", fake.api_base + "me/playlists", json={"name": "x"})

    with caplog.at_level(logging.ERROR, logger="bot.spotify.client"):
        for fn in (bypasses_the_session, new_keyword):
            with pytest.raises(SpotifyUnavailable) as info:
                await api.call("probe", fn, idempotent=True)
            assert info.value.message("en")
    assert seen(fake) == []
    assert sum("no longer fits the request seam" in r.getMessage() for r in caplog.records) == 2
    assert token not in caplog.text


async def test_spotipy_input_checks_still_answer_before_anything_is_sent(
    fake: FakeSpotify, http: HttpPool
) -> None:
    token = fake.add_user("alice")
    api = seam_api(fake, http, token)
    fake.requests.clear()
    with pytest.raises(Exception) as info:
        await api.call("track.get", api.sp.track, "spotify:album:4aawyAB9vmqN3uQ7FjRGTy", idempotent=True)
    assert "spotify" in type(info.value).__module__
    assert seen(fake) == []


async def test_a_hung_account_costs_only_its_own_requests(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Any
) -> None:
    """Autocomplete keeps searching a hung account; other guilds' commands go through meanwhile, and once the
    hung requests time out their connections are freed (the pool below has room for one extra only)."""
    pool = HttpPool(max_connections=ACCOUNT_IN_FLIGHT + 1)
    quick = settings.model_copy(update={"spotify_timeout_s": 0.6})
    sessions = SessionManager(repo=repo, tokens=tokens, settings=quick, api_base=fake.api_base, http=pool)
    try:
        hung = await link(fake, repo, tokens, 1, guild_id=51)
        others = [await link(fake, repo, tokens, 2 + g, guild_id=52 + g) for g in range(3)]
        fake.user_latency_s[hung] = 30.0
        hung_session = await sessions.session_for(guild_ctx(51))
        searches = [asyncio.create_task(hung_session.search(f"song {i}")) for i in range(12)]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        for g, user in enumerate(others):
            ctx = guild_ctx(52 + g)
            session = await sessions.session_for(ctx)
            outcome = await session.execute(a.Volume(level=10 + g), ctx)
            assert outcome.ok, outcome.key
            assert fake.player(user).volume == 10 + g
        assert time.monotonic() - started < 0.5
        results = await asyncio.gather(*searches, return_exceptions=True)
        assert all(isinstance(r, SpotifyUnavailable) for r in results), results
        # every pool connection is usable again: as many parallel commands as the pool holds all succeed
        started = time.monotonic()
        ctxs = [guild_ctx(52 + (g % 3)) for g in range(ACCOUNT_IN_FLIGHT + 1)]
        outcomes = await asyncio.gather(
            *[(await sessions.session_for(ctx)).playback() for ctx in ctxs], return_exceptions=True
        )
        assert not any(isinstance(o, BaseException) for o in outcomes), outcomes
        assert time.monotonic() - started < 0.5
    finally:
        await sessions.aclose()
        await pool.aclose()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (
            "http://h/v1/search",
            {"q": "AC/DC año ñ+1 #2 ~x", "limit": 3, "market": None, "type": "track,artist"},
        ),
        ("http://h/v1/me/player/queue?uri=spotify:track:abc", {}),
        ("http://h/v1/me/player/seek?position_ms=61000", {"device_id": "dev 1"}),
        ("http://h/v1/x", {"ids": ["a", "b"], "flag": True, "f": 1.5}),
        ("http://h/v1/café x", {"q": "y"}),
        ("http://h/v1/x?a=%41", {"q": "y"}),
    ],
)
def test_urls_are_joined_exactly_as_requests_joins_them(url: str, params: dict[str, Any]) -> None:
    expected = requests.PreparedRequest()
    expected.prepare_url(url, dict(params))
    assert prepared_url(url, dict(params)) == expected.url
