"""Pytest helpers for the fake Spotify Web API (bot.demo): fixtures and a spotipy client wired to it.

Use in a test module or conftest:  `from tests.fakes.spotify import fake_spotify, spotify_user  # noqa: F401`
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import requests
import spotipy

from bot.demo.player import PlayerState
from bot.demo.spotify_server import DEMO_DEVICES, ApiError, FakeSpotify, RecordedRequest, start_demo

__all__ = [
    "DEMO_DEVICES",
    "ApiError",
    "FakeSpotify",
    "PlayerState",
    "RecordedRequest",
    "fake_spotify",
    "spotify_client",
    "spotify_user",
    "start_demo",
]


def spotify_client(fake: FakeSpotify, token: str) -> spotipy.Spotify:
    """A real spotipy client aimed at the fake: no retries, no sleeping through 429, 5 s timeout.

    A plain `requests.Session` (no urllib3 Retry) keeps spotipy from turning 429/5xx into a RetryError that
    loses the status and the Retry-After header (`status_forcelist=()` does not: spotipy treats it as unset)."""
    sp = spotipy.Spotify(
        auth=token, requests_session=requests.Session(), retries=0, status_retries=0, requests_timeout=5
    )
    sp.prefix = fake.api_base
    return sp


@pytest.fixture
async def fake_spotify() -> AsyncIterator[FakeSpotify]:
    """A started fake with no users; stopped after the test."""
    fake = FakeSpotify()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def spotify_user(fake_spotify: FakeSpotify) -> tuple[FakeSpotify, spotipy.Spotify]:
    """The fake plus a spotipy client for premium user "alice" (active "Web Player (Chrome)", idle "Pixel 8")."""
    token = fake_spotify.add_user("alice", display_name="Alice")
    return fake_spotify, spotify_client(fake_spotify, token)
