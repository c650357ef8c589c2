"""Injected faults and latency, and the demo starter."""

from __future__ import annotations

import asyncio
import time

import pytest
import requests
import spotipy

from tests.fakes.spotify import FakeSpotify, spotify_client, start_demo

Pair = tuple[FakeSpotify, spotipy.Spotify]


async def test_429_carries_retry_after_then_recovers(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    fake.fail_next("/me/player/next", 429, retry_after=7)
    fake.player("alice")  # state untouched by the fault
    with pytest.raises(spotipy.SpotifyException) as info:
        await asyncio.to_thread(sp.next_track)
    assert info.value.http_status == 429 and info.value.headers["Retry-After"] == "7"
    result = await asyncio.to_thread(sp.search, "yellow", 1, 0, "track")
    assert result["tracks"]["items"][0]["name"] == "Yellow"


async def test_fault_with_reason_and_count(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    fake.fail_next("/v1/search", 503, times=2)
    for _ in range(2):
        with pytest.raises(spotipy.SpotifyException) as info:
            await asyncio.to_thread(sp.search, "yellow", 1, 0, "track")
        assert info.value.http_status == 503
    assert (await asyncio.to_thread(sp.search, "yellow", 1, 0, "track"))["tracks"]["total"] >= 1
    fake.fail_next("/me/player/play", 403, reason="PREMIUM_REQUIRED", method="PUT")
    with pytest.raises(spotipy.SpotifyException) as info:
        await asyncio.to_thread(
            sp.start_playback, uris=[fake.catalog.track_by_title("Yellow", "Coldplay").uri]
        )
    assert info.value.reason == "PREMIUM_REQUIRED"


async def test_dropped_connection(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    fake.drop_next("/v1/me/player/devices")
    with pytest.raises(requests.exceptions.ConnectionError):
        await asyncio.to_thread(sp.devices)
    assert (await asyncio.to_thread(sp.devices))["devices"]


async def test_latency_is_applied_per_request() -> None:
    fake = FakeSpotify(latency_s=0.05, jitter_s=0.01, seed=3)
    await fake.start()
    try:
        sp = spotify_client(fake, fake.add_user("alice"))
        started = time.perf_counter()
        for _ in range(3):
            await asyncio.to_thread(sp.devices)
        assert time.perf_counter() - started >= 3 * 0.04
    finally:
        await fake.stop()


async def test_token_endpoint_fault_uses_oauth_error_shape(fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail_next("/api/token", 503)
    resp = await asyncio.to_thread(
        requests.post, fake_spotify.token_url, data={"grant_type": "refresh_token"}, timeout=5
    )
    assert resp.status_code == 503 and resp.json()["error"] == "server_error"


async def test_start_demo_has_an_active_demo_speaker() -> None:
    fake = await start_demo()
    try:
        assert fake.demo_token is not None
        sp = spotify_client(fake, fake.demo_token)
        devices = (await asyncio.to_thread(sp.devices))["devices"]
        assert [d["name"] for d in devices if d["is_active"]] == ["Demo Speaker"]
        assert len(devices) == 3
        song = fake.catalog.track_by_title("Get Lucky", "Daft Punk")
        await asyncio.to_thread(sp.start_playback, uris=[song.uri])
        assert fake.player("demo").item["name"] == "Get Lucky"  # type: ignore[index]
    finally:
        await fake.stop()
