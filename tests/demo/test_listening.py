"""The fake's listening history: top items, recently played, saved tracks, and the scopes they need."""

from __future__ import annotations

import asyncio

import pytest
from spotipy.exceptions import SpotifyException

from tests.fakes.spotify import FakeSpotify, spotify_client


async def test_top_artists_start_with_the_favourites_then_similar_genres(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user("rocker", taste=("Soda Stereo", "Maná"))
    sp = spotify_client(fake_spotify, token)
    top = await asyncio.to_thread(sp.current_user_top_artists, limit=5, time_range="medium_term")
    names = [a["name"] for a in top["items"]]
    assert names[:2] == ["Soda Stereo", "Maná"]
    # the next ones share "rock en espanol" / "latin pop" with them
    assert set(names[2:4]) <= {"Los Fabulosos Cadillacs", "Juanes", "Shakira", "Karol G"}
    assert top["total"] == 8


async def test_top_tracks_are_by_top_artists_and_ranges_differ(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user("demo")  # the demo taste
    sp = spotify_client(fake_spotify, token)
    artists = await asyncio.to_thread(sp.current_user_top_artists, limit=50, time_range="short_term")
    tracks = await asyncio.to_thread(sp.current_user_top_tracks, limit=20, time_range="short_term")
    medium = await asyncio.to_thread(sp.current_user_top_artists, limit=50)
    top_names = {a["name"] for a in artists["items"]}
    assert all(t["artists"][0]["name"] in top_names for t in tracks["items"])
    assert [a["name"] for a in artists["items"]] != [a["name"] for a in medium["items"]]
    assert tracks["items"][0]["name"] == "Get Lucky"


async def test_recently_played_mixes_past_plays_and_pages_with_cursors(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user("demo")
    sp = spotify_client(fake_spotify, token)
    first = await asyncio.to_thread(sp.current_user_recently_played, limit=10)
    assert len(first["items"]) == 10
    times = [i["played_at"] for i in first["items"]]
    assert times == sorted(times, reverse=True)
    before = int(first["cursors"]["before"])
    older = await asyncio.to_thread(sp.current_user_recently_played, limit=10, before=before)
    assert older["items"] and all(i["played_at"] < times[-1] for i in older["items"])
    # a song played now comes first
    song = fake_spotify.catalog.track_by_title("Yellow", "Coldplay")
    await asyncio.to_thread(sp.start_playback, uris=[song.uri])
    fake_spotify.advance_clock(400)
    latest = await asyncio.to_thread(sp.current_user_recently_played, limit=1)
    assert latest["items"][0]["track"]["name"] == "Yellow"


async def test_favourites_biggest_songs_are_already_saved(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user("demo")
    sp = spotify_client(fake_spotify, token)
    lucky = fake_spotify.catalog.track_by_title("Get Lucky", "Daft Punk")
    yellow = fake_spotify.catalog.track_by_title("Yellow", "Coldplay")
    assert await asyncio.to_thread(sp.current_user_saved_tracks_contains, [lucky.uri, yellow.uri]) == [
        True,
        False,
    ]


async def test_a_user_without_a_taste_has_no_past(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user("alice")
    sp = spotify_client(fake_spotify, token)
    assert (await asyncio.to_thread(sp.current_user_recently_played, limit=5))["items"] == []
    assert (await asyncio.to_thread(sp.current_user_saved_tracks, limit=5))["items"] == []


@pytest.mark.parametrize(
    ("call", "scope"),
    [
        ("current_user_top_artists", "user-top-read"),
        ("current_user_recently_played", "user-read-recently-played"),
    ],
)
async def test_listening_reads_need_their_scope(fake_spotify: FakeSpotify, call: str, scope: str) -> None:
    fake_spotify.add_user("demo")
    narrow = spotify_client(fake_spotify, fake_spotify.issue_token("demo", scope="user-read-playback-state"))
    with pytest.raises(SpotifyException) as err:
        await asyncio.to_thread(getattr(narrow, call))
    assert err.value.http_status == 403 and "Insufficient client scope" in err.value.msg
    wide = spotify_client(fake_spotify, fake_spotify.issue_token("demo", scope=scope))
    assert (await asyncio.to_thread(getattr(wide, call)))["items"]
