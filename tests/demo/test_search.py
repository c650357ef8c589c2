"""Search ranking and validation of the fake."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
import spotipy

from tests.fakes.spotify import FakeSpotify

Pair = tuple[FakeSpotify, spotipy.Spotify]


def _names(result: dict, kind: str = "tracks") -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(i["name"], i["artists"][0]["name"]) for i in result[kind]["items"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("get lucky", ("Get Lucky", "Daft Punk")),
        ("Harder Better Faster Stronger", ("Harder, Better, Faster, Stronger", "Daft Punk")),
        ("one more time by daft punk", ("One More Time", "Daft Punk")),
        ('track:"Around the World" artist:"Daft Punk"', ("Around the World", "Daft Punk")),
        ("bohemian rapsody", ("Bohemian Rhapsody", "Queen")),  # typo
        ("TITI ME PREGUNTO", ("Tití Me Preguntó", "Bad Bunny")),  # accents and case
        ("de música ligera soda stereo", ("De Música Ligera", "Soda Stereo")),
        ("matador cadillacs", ("Matador", "Los Fabulosos Cadillacs")),
        ("so what miles", ("So What", "Miles Davis")),
        ("enter sandm", ("Enter Sandman", "Metallica")),  # prefix of the last word
        ("hips don't lie", ("Hips Don't Lie", "Shakira")),
        ("für elise", ("Für Elise, WoO 59", "Ludwig van Beethoven")),
    ],
)
async def test_track_search_puts_the_obvious_match_first(
    spotify_user: Pair, q: str, expected: tuple[str, str]
) -> None:
    _fake, sp = spotify_user
    result = await asyncio.to_thread(sp.search, q, 5, 0, "track")
    assert _names(result)[0] == expected


async def test_artist_filter_keeps_only_that_artist_sorted_by_popularity(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    result = await asyncio.to_thread(sp.search, "artist:Queen", 10, 0, "track")
    names = _names(result)
    assert len(names) == 10 and {a for _, a in names} == {"Queen"}
    pops = [fake.catalog.track_by_title(n, "Queen").popularity for n, _ in names]
    assert pops == sorted(pops, reverse=True)
    assert result["tracks"]["total"] > 10 and result["tracks"]["next"]


async def test_search_several_types_and_paging(spotify_user: Pair) -> None:
    _fake, sp = spotify_user
    first = await asyncio.to_thread(sp.search, "daft punk", 3, 0, "artist,album,track,playlist")
    assert first["artists"]["items"][0]["name"] == "Daft Punk"
    assert {a["name"] for a in first["albums"]["items"]} <= {
        "Discovery",
        "Homework",
        "Random Access Memories",
    }
    assert first["playlists"]["items"][0]["name"] == "Daft Punk Essentials"
    second = await asyncio.to_thread(sp.search, "daft punk", 3, 3, "track")
    assert not {t["id"] for t in first["tracks"]["items"]} & {t["id"] for t in second["tracks"]["items"]}
    assert second["tracks"]["offset"] == 3 and second["tracks"]["limit"] == 3


async def test_spanish_playlist_and_year_filter(spotify_user: Pair) -> None:
    _fake, sp = spotify_user
    result = await asyncio.to_thread(sp.search, "rock en español", 5, 0, "playlist")
    assert result["playlists"]["items"][0]["name"] == "Rock en Español"
    old = await asyncio.to_thread(sp.search, "year:1960-1969", 10, 0, "album")
    assert old["albums"]["items"] and all(a["release_date"][:3] == "196" for a in old["albums"]["items"])


async def test_no_match_is_an_empty_page(spotify_user: Pair) -> None:
    _fake, sp = spotify_user
    result = await asyncio.to_thread(sp.search, "zzqxv wwkkj", 5, 0, "track")
    assert result["tracks"]["items"] == [] and result["tracks"]["total"] == 0


async def test_track_objects_have_album_art_and_no_removed_fields(spotify_user: Pair) -> None:
    _fake, sp = spotify_user
    track = (await asyncio.to_thread(sp.search, "get lucky", 1, 0, "track"))["tracks"]["items"][0]
    assert (
        track["album"]["images"][0]["url"].startswith("https://")
        and track["album"]["images"][0]["width"] == 640
    )
    assert track["uri"] == f"spotify:track:{track['id']}" and len(track["id"]) == 22
    assert "popularity" not in track and "available_markets" not in track


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("q=daft&type=track&limit=11", 400),
        ("q=daft&type=track&limit=0", 400),
        ("type=track", 400),
        ("q=daft", 400),
        ("q=daft&type=song", 400),
        ("q=daft&type=track&offset=1001", 400),
        ("q=daft&type=track&limit=10", 200),
    ],
)
async def test_search_parameter_validation(fake_spotify: FakeSpotify, query: str, status: int) -> None:
    # Raw aiohttp (not recorded by the wire audit): these requests break the spec on purpose.
    token = fake_spotify.add_user("alice")
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{fake_spotify.api_base}search?{query}", headers={"Authorization": f"Bearer {token}"}
        ) as resp,
    ):
        assert resp.status == status
        body = await resp.json()
    if status == 400:
        assert body["error"]["status"] == 400 and body["error"]["message"]
