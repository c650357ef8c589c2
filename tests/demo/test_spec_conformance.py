"""A sample of the fake's answers validated against the published Web API spec (skipped without ../shared)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import aiohttp
import pytest

from tests.fakes.spotify import FakeSpotify

SPEC = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "spotify-web-api.openapi.yml"

pytestmark = pytest.mark.skipif(not SPEC.exists(), reason="../shared/data is not beside the checkout")


def _strip_discriminators(o: Any) -> None:
    if isinstance(o, dict):
        o.pop("discriminator", None)
        for v in o.values():
            _strip_discriminators(v)
    elif isinstance(o, list):
        for v in o:
            _strip_discriminators(v)


@pytest.fixture(scope="module")
def openapi() -> Any:
    yaml = pytest.importorskip("yaml")
    core = pytest.importorskip("openapi_core")
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    _strip_discriminators(spec)
    return core.OpenAPI.from_dict(spec, config=core.Config(spec_validator_cls=None))


async def _check(
    openapi: Any, http: aiohttp.ClientSession, token: str, method: str, url: str, body: Any = None
) -> int:
    from openapi_core.testing import MockRequest, MockResponse

    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    async with http.request(method, url, data=data, headers=headers) as resp:
        raw = await resp.read()
        status = resp.status
        ctype = resp.content_type
    parts = urlsplit(url)
    req = MockRequest(
        "https://api.spotify.com",
        method.lower(),
        parts.path,
        args=dict(parse_qsl(parts.query)),
        headers=headers,
        data=data,
        content_type="application/json",
    )
    openapi.validate_request(req)
    response = (
        MockResponse(raw, status_code=status, content_type=ctype)
        if raw
        else MockResponse(raw, status_code=status)
    )
    openapi.validate_response(req, response)
    return status


async def test_sampled_responses_match_the_spec(fake_spotify: FakeSpotify, openapi: Any) -> None:
    token = fake_spotify.add_user("alice")
    cat = fake_spotify.catalog
    album = cat.album_by_name("Random Access Memories", "Daft Punk")
    song = cat.track_by_title("Get Lucky", "Daft Punk")
    editorial = next(iter(cat.playlists.values()))
    base = fake_spotify.api_base
    async with aiohttp.ClientSession() as http:
        created = await (
            await http.post(
                f"{base}me/playlists", json={"name": "x"}, headers={"Authorization": f"Bearer {token}"}
            )
        ).json()
        calls: list[tuple[str, str, Any, int]] = [
            ("GET", f"{base}me", None, 200),
            ("GET", f"{base}search?q=daft%20punk&type=track,artist,album,playlist&limit=10", None, 200),
            ("GET", f"{base}search?q=zzzz&type=show,episode,audiobook&limit=2", None, 200),
            ("GET", f"{base}me/player", None, 204),
            ("PUT", f"{base}me/player/play", {"context_uri": album.uri, "offset": {"position": 7}}, 204),
            ("POST", f"{base}me/player/queue?uri={song.uri}", None, 204),
            ("GET", f"{base}me/player", None, 200),
            ("GET", f"{base}me/player/currently-playing", None, 200),
            ("GET", f"{base}me/player/queue", None, 200),
            ("GET", f"{base}me/player/devices", None, 200),
            ("POST", f"{base}me/player/next", None, 204),
            ("PUT", f"{base}me/player/volume?volume_percent=20", None, 204),
            ("PUT", f"{base}me/player/shuffle?state=true", None, 204),
            ("PUT", f"{base}me/player/repeat?state=context", None, 204),
            ("PUT", f"{base}me/player/seek?position_ms=1000", None, 204),
            ("PUT", f"{base}me/player/pause", None, 204),
            ("GET", f"{base}me/player/recently-played?limit=5", None, 200),
            ("PUT", f"{base}me/library?uris={song.uri},{album.uri}", None, 200),
            (
                "GET",
                f"{base}me/library/contains?uris={song.uri},{cat.artist_by_name('Queen').uri}",
                None,
                200,
            ),
            ("GET", f"{base}me/tracks?limit=5", None, 200),
            ("GET", f"{base}me/albums?limit=5", None, 200),
            ("DELETE", f"{base}me/library?uris={song.uri}", None, 200),
            ("GET", f"{base}me/playlists?limit=5", None, 200),
            ("POST", f"{base}playlists/{created['id']}/items", {"uris": [song.uri]}, 201),
            ("GET", f"{base}playlists/{created['id']}", None, 200),
            ("GET", f"{base}playlists/{created['id']}/items?limit=5", None, 200),
            ("DELETE", f"{base}playlists/{created['id']}/items", {"items": [{"uri": song.uri}]}, 200),
            ("GET", f"{base}playlists/{editorial.id}", None, 200),
            ("GET", f"{base}artists/{cat.artist_by_name('Shakira').id}", None, 200),
            ("GET", f"{base}artists/{cat.artist_by_name('Shakira').id}/albums?limit=5", None, 200),
            ("GET", f"{base}albums/{album.id}", None, 200),
            ("GET", f"{base}albums/{album.id}/tracks?limit=5", None, 200),
            ("GET", f"{base}tracks/{song.id}", None, 200),
            ("GET", f"{base}me/top/tracks?limit=5", None, 200),
            ("GET", f"{base}me/top/artists?limit=5&time_range=short_term", None, 200),
        ]
        for method, url, body, expected in calls:
            status = await _check(openapi, http, token, method, url, body)
            assert status == expected, (method, url)


async def test_listening_history_matches_the_spec(fake_spotify: FakeSpotify, openapi: Any) -> None:
    token = fake_spotify.add_user("demo")  # has the demo taste: top items, past plays, saved tracks
    base = fake_spotify.api_base
    lucky = fake_spotify.catalog.track_by_title("Get Lucky", "Daft Punk")
    async with aiohttp.ClientSession() as http:
        for url in (
            f"{base}me/top/artists?time_range=medium_term&limit=10",
            f"{base}me/top/tracks?time_range=short_term&limit=20&offset=5",
            f"{base}me/player/recently-played?limit=50",
            f"{base}me/player/recently-played?limit=5&before=1700000000000",
            f"{base}me/library/contains?uris={lucky.uri}",
            f"{base}me/tracks?limit=10",
        ):
            assert await _check(openapi, http, token, "GET", url) == 200, url
