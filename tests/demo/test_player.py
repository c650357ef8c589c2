"""The fake's player state machine, driven through the real spotipy client."""

from __future__ import annotations

import asyncio

import pytest
import spotipy

from tests.fakes.spotify import FakeSpotify, spotify_client

Pair = tuple[FakeSpotify, spotipy.Spotify]


def _error(fn, *args, **kwargs) -> spotipy.SpotifyException:  # type: ignore[no-untyped-def]
    with pytest.raises(spotipy.SpotifyException) as info:
        fn(*args, **kwargs)
    return info.value


async def test_play_album_context_then_next_previous(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    album = fake.catalog.album_by_name("Discovery", "Daft Punk")

    def run() -> None:
        sp.start_playback(context_uri=album.uri, offset={"position": 3})
        assert sp.current_playback()["item"]["name"] == "Harder, Better, Faster, Stronger"
        sp.next_track()
        assert sp.current_playback()["item"]["name"] == "Crescendolls"
        sp.previous_track()
        sp.previous_track()
        playback = sp.current_playback()
        assert playback["item"]["name"] == "Digital Love"
        assert playback["context"]["uri"] == album.uri
        assert playback["is_playing"] is True
        assert playback["device"]["name"] == "Web Player (Chrome)"

    await asyncio.to_thread(run)
    assert fake.player("alice").context_uri == album.uri


async def test_play_with_offset_uri_and_position(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    album = fake.catalog.album_by_name("A Night at the Opera", "Queen")
    song = fake.catalog.track_by_title("Bohemian Rhapsody", "Queen")
    await asyncio.to_thread(
        sp.start_playback, context_uri=album.uri, offset={"uri": song.uri}, position_ms=60_000
    )
    state = fake.player("alice")
    assert state.item is not None and state.item["name"] == "Bohemian Rhapsody"
    assert 60_000 <= state.progress_ms < 65_000


async def test_pause_and_resume_keep_progress(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    song = fake.catalog.track_by_title("Get Lucky", "Daft Punk")
    await asyncio.to_thread(sp.start_playback, uris=[song.uri], position_ms=10_000)
    await asyncio.to_thread(sp.pause_playback)
    fake.advance_clock(30)
    assert fake.player("alice").progress_ms < 11_000
    await asyncio.to_thread(sp.start_playback)
    fake.advance_clock(5)
    state = fake.player("alice")
    assert state.is_playing and 15_000 <= state.progress_ms < 16_500


async def test_pause_when_paused_is_a_restriction(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    await asyncio.to_thread(sp.start_playback, uris=[fake.catalog.track_by_title("Yellow", "Coldplay").uri])
    await asyncio.to_thread(sp.pause_playback)
    err = await asyncio.to_thread(_error, sp.pause_playback)
    assert err.http_status == 403 and "Restriction violated" in err.msg


async def test_progress_advances_to_the_next_track_and_stops_at_the_end(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    a = fake.catalog.track_by_title("Creep", "Radiohead")
    b = fake.catalog.track_by_title("Karma Police", "Radiohead")
    await asyncio.to_thread(sp.start_playback, uris=[a.uri, b.uri])
    fake.advance_clock(a.duration_ms / 1000 + 2)
    state = fake.player("alice")
    assert state.item is not None and state.item["uri"] == b.uri
    assert 1_500 <= state.progress_ms < 3_500
    fake.advance_clock(b.duration_ms / 1000)
    state = fake.player("alice")
    assert state.is_playing is False and state.item is not None and state.item["uri"] == a.uri


async def test_repeat_track_and_context(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    a = fake.catalog.track_by_title("Creep", "Radiohead")
    b = fake.catalog.track_by_title("Karma Police", "Radiohead")
    await asyncio.to_thread(sp.start_playback, uris=[a.uri, b.uri])
    await asyncio.to_thread(sp.repeat, "track")
    fake.advance_clock(a.duration_ms / 1000 + 1)
    assert fake.player("alice").item["uri"] == a.uri  # type: ignore[index]
    await asyncio.to_thread(sp.repeat, "context")
    await asyncio.to_thread(sp.next_track)
    await asyncio.to_thread(sp.next_track)
    state = fake.player("alice")
    assert state.item["uri"] == a.uri and state.is_playing and state.repeat == "context"  # type: ignore[index]
    playback = await asyncio.to_thread(sp.current_playback)
    assert playback["repeat_state"] == "context"


async def test_queue_plays_before_the_context(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    album = fake.catalog.album_by_name("Abbey Road", "The Beatles")
    queued = fake.catalog.track_by_title("One More Time", "Daft Punk")

    def run() -> None:
        sp.start_playback(context_uri=album.uri)
        sp.add_to_queue(queued.uri)
        q = sp.queue()
        assert q["currently_playing"]["name"] == "Come Together"
        assert [t["name"] for t in q["queue"][:3]] == [
            "One More Time",
            "Something",
            "Maxwell's Silver Hammer",
        ]
        sp.next_track()
        assert sp.current_playback()["item"]["name"] == "One More Time"
        sp.next_track()
        assert sp.current_playback()["item"]["name"] == "Something"

    await asyncio.to_thread(run)
    assert fake.player("alice").queue == []


async def test_shuffle_keeps_current_and_plays_every_track_once(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    album = fake.catalog.album_by_name("Kind of Blue", "Miles Davis")
    await asyncio.to_thread(sp.start_playback, context_uri=album.uri)
    await asyncio.to_thread(sp.shuffle, True)
    seen = [fake.player("alice").item["name"]]  # type: ignore[index]
    for _ in range(len(album.track_ids) - 1):
        await asyncio.to_thread(sp.next_track)
        seen.append(fake.player("alice").item["name"])  # type: ignore[index]
    assert seen[0] == "So What"
    assert sorted(seen) == sorted(fake.catalog.tracks[t].name for t in album.track_ids)
    assert (await asyncio.to_thread(sp.current_playback))["shuffle_state"] is True


async def test_play_artist_context_starts_with_their_most_popular_track(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    artist = fake.catalog.artist_by_name("Daft Punk")
    await asyncio.to_thread(sp.start_playback, context_uri=artist.uri)
    item = fake.player("alice").item
    assert item is not None and "Daft Punk" in [a["name"] for a in item["artists"]]
    most_popular = max((fake.catalog.tracks[t] for t in artist.track_ids), key=lambda t: t.popularity)
    assert item["uri"] == most_popular.uri
    assert fake.player("alice").context_uri == artist.uri


async def test_volume_and_unsupported_device(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user(
        "bob", devices=[{"name": "TV", "type": "TV", "is_active": True, "supports_volume": False}]
    )
    sp = spotify_client(fake_spotify, token)
    err = await asyncio.to_thread(_error, sp.volume, 40)
    assert err.http_status == 403 and err.reason == "VOLUME_CONTROL_DISALLOW"
    devices = (await asyncio.to_thread(sp.devices))["devices"]
    assert devices[0]["volume_percent"] is None and devices[0]["supports_volume"] is False


async def test_volume_sets_the_active_device(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    await asyncio.to_thread(sp.volume, 35)
    assert fake.player("alice").volume == 35
    assert (
        fake.requests[-1].path == "/v1/me/player/volume" and fake.requests[-1].query["volume_percent"] == "35"
    )


async def test_no_active_device(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user("carol", devices=[{"name": "Phone", "type": "Smartphone"}])
    sp = spotify_client(fake_spotify, token)
    err = await asyncio.to_thread(
        _error, sp.start_playback, uris=[fake_spotify.catalog.track_by_title("Yesterday", "The Beatles").uri]
    )
    assert err.http_status == 404 and err.reason == "NO_ACTIVE_DEVICE"
    assert "No active device found" in err.msg
    assert await asyncio.to_thread(sp.current_playback) is None  # 204


async def test_device_id_activates_that_device(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.add_user("carol", devices=[{"name": "Phone", "type": "Smartphone"}])
    sp = spotify_client(fake_spotify, token)
    phone = fake_spotify.device_id("carol", "Phone")
    song = fake_spotify.catalog.track_by_title("Yesterday", "The Beatles")
    await asyncio.to_thread(sp.start_playback, device_id=phone, uris=[song.uri])
    state = fake_spotify.player("carol")
    assert state.device is not None and state.device["name"] == "Phone" and state.is_playing


async def test_transfer_playback(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    phone = fake.device_id("alice", "Pixel 8")
    await asyncio.to_thread(sp.start_playback, uris=[fake.catalog.track_by_title("Clocks", "Coldplay").uri])
    await asyncio.to_thread(sp.pause_playback)
    await asyncio.to_thread(sp.transfer_playback, phone, True)
    state = fake.player("alice")
    assert state.device is not None and state.device["id"] == phone and state.is_playing
    assert fake.requests[-1].json == {"device_ids": [phone], "play": True}
    err = await asyncio.to_thread(_error, sp.transfer_playback, "0" * 40)
    assert err.http_status == 404


async def test_free_user_gets_premium_required(fake_spotify: FakeSpotify) -> None:
    sp = spotify_client(fake_spotify, fake_spotify.add_user("dave", premium=False))
    err = await asyncio.to_thread(_error, sp.next_track)
    assert err.http_status == 403 and err.reason == "PREMIUM_REQUIRED"
    assert (await asyncio.to_thread(sp.devices))["devices"]  # reading devices stays allowed


async def test_seek_and_currently_playing(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    song = fake.catalog.track_by_title("So What", "Miles Davis")
    await asyncio.to_thread(sp.start_playback, uris=[song.uri])
    await asyncio.to_thread(sp.seek_track, 120_000)
    now = await asyncio.to_thread(sp.currently_playing)
    assert now["item"]["uri"] == song.uri and 120_000 <= now["progress_ms"] < 122_000
    assert "context" not in now  # a list of uris has no context (null is not valid in the spec)


async def test_bad_play_requests_are_rejected(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    album = fake.catalog.album_by_name("Kind of Blue", "Miles Davis")
    err = await asyncio.to_thread(_error, sp.start_playback, context_uri=album.uri, offset={"position": 99})
    assert err.http_status == 404
    err = await asyncio.to_thread(_error, sp.start_playback, uris=["spotify:track:nope"])
    assert err.http_status == 400
    err = await asyncio.to_thread(_error, sp.start_playback, context_uri="spotify:album:" + "A" * 22)
    assert err.http_status == 404
    assert fake.player("alice").item is None


async def test_recently_played_lists_skipped_tracks(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    album = fake.catalog.album_by_name("OK Computer", "Radiohead")
    await asyncio.to_thread(sp.start_playback, context_uri=album.uri)
    await asyncio.to_thread(sp.next_track)
    recent = await asyncio.to_thread(sp.current_user_recently_played, 5)
    assert [i["track"]["name"] for i in recent["items"]] == ["Airbag"]
    assert recent["items"][0]["context"]["uri"] == album.uri


async def test_queue_on_an_idle_active_device_is_kept_and_played_next(spotify_user: Pair) -> None:
    """Nothing loaded, but the device is active: queueing is accepted (not NO_ACTIVE_DEVICE), play starts it."""
    fake, sp = spotify_user
    song = fake.catalog.track_by_title("Get Lucky", "Daft Punk")

    def run() -> None:
        assert sp.current_playback() is None
        assert any(d["is_active"] for d in sp.devices()["devices"])
        sp.add_to_queue(song.uri)
        assert [t["name"] for t in sp.queue()["queue"]] == ["Get Lucky"]
        sp.start_playback()
        playback = sp.current_playback()
        assert playback["item"]["name"] == "Get Lucky"
        assert playback["is_playing"] is True

    await asyncio.to_thread(run)
