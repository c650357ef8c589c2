"""Library saves (/me/library), playlists (/me/playlists, /playlists/{id}/items) and catalog lookups."""

from __future__ import annotations

import asyncio

import pytest
import spotipy

from tests.fakes.spotify import FakeSpotify, spotify_client

Pair = tuple[FakeSpotify, spotipy.Spotify]


async def test_save_check_and_remove_tracks(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    a = fake.catalog.track_by_title("Get Lucky", "Daft Punk")
    b = fake.catalog.track_by_title("Yellow", "Coldplay")

    def run() -> None:
        sp.current_user_saved_tracks_add([a.uri, b.uri])
        assert sp.current_user_saved_tracks_contains([a.uri, b.uri]) == [True, True]
        saved = sp.current_user_saved_tracks(limit=10)
        assert [i["track"]["name"] for i in saved["items"]] == ["Yellow", "Get Lucky"]
        sp.current_user_saved_tracks_delete([a.uri])
        assert sp.current_user_saved_tracks_contains([a.uri, b.uri]) == [False, True]

    await asyncio.to_thread(run)
    saves = [r for r in fake.requests if r.method == "PUT"]
    assert saves[0].path == "/v1/me/library" and saves[0].query["uris"] == f"{a.uri},{b.uri}"


async def test_library_rejects_more_than_40_uris(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    uris = [f"spotify:track:{t}" for t in list(fake.catalog.tracks)[:41]]
    with pytest.raises(spotipy.SpotifyException) as info:
        await asyncio.to_thread(sp._put, "me/library", uris=",".join(uris))
    assert info.value.http_status == 400


async def test_create_playlist_add_items_and_read_back(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    songs = [
        fake.catalog.track_by_title(t, "Soda Stereo").uri for t in ("De Música Ligera", "Persiana Americana")
    ]
    first = fake.catalog.track_by_title("Matador", "Los Fabulosos Cadillacs").uri

    def run() -> None:
        pl = sp._post(
            "me/playlists", payload={"name": "Rock nacional", "public": False, "description": "mix"}
        )
        assert pl["owner"]["id"] == "alice" and pl["items"]["total"] == 0 and pl["public"] is False
        # spotipy's playlist_add_items sends a bare JSON array, which the spec does not allow: send the object.
        snap = sp._post(f"playlists/{pl['id']}/items", payload={"uris": songs})
        assert snap["snapshot_id"]
        sp._post(f"playlists/{pl['id']}/items", payload={"uris": [first], "position": 0})
        items = sp.playlist_items(pl["id"], limit=10)
        assert [i["item"]["name"] for i in items["items"]] == [
            "Matador",
            "De Música Ligera",
            "Persiana Americana",
        ]
        assert items["total"] == 3
        mine = sp.current_user_playlists(limit=5)
        assert mine["items"][0]["name"] == "Rock nacional" and mine["items"][0]["items"]["total"] == 3
        sp.playlist_remove_all_occurrences_of_items(pl["id"], [first])
        full = sp.playlist(pl["id"])
        assert [i["item"]["name"] for i in full["items"]["items"]] == [
            "De Música Ligera",
            "Persiana Americana",
        ]
        sp.start_playback(context_uri=pl["uri"], offset={"position": 1})
        assert sp.current_playback()["item"]["name"] == "Persiana Americana"

    await asyncio.to_thread(run)
    post = next(r for r in fake.requests if r.method == "POST" and r.path.endswith("/items"))
    assert post.json == {"uris": songs}


async def test_editorial_playlist_items_are_forbidden_but_playable(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    pl = next(p for p in fake.catalog.playlists.values() if p.name == "Rock Classics")
    full = await asyncio.to_thread(sp.playlist, pl.id)
    assert full["name"] == "Rock Classics" and "items" not in full
    with pytest.raises(spotipy.SpotifyException) as info:
        await asyncio.to_thread(sp.playlist_items, pl.id)
    assert info.value.http_status == 403
    await asyncio.to_thread(sp.start_playback, context_uri=pl.uri)
    assert fake.player("alice").item["name"] == "Bohemian Rhapsody"  # type: ignore[index]


async def test_someone_elses_playlist_cannot_be_changed(fake_spotify: FakeSpotify) -> None:
    alice = spotify_client(fake_spotify, fake_spotify.add_user("alice"))
    bob = spotify_client(fake_spotify, fake_spotify.add_user("bob"))
    pl = await asyncio.to_thread(alice._post, "me/playlists", payload={"name": "Mine"})
    song = fake_spotify.catalog.track_by_title("Clocks", "Coldplay").uri
    with pytest.raises(spotipy.SpotifyException) as info:
        await asyncio.to_thread(bob._post, f"playlists/{pl['id']}/items", payload={"uris": [song]})
    assert info.value.http_status == 403


async def test_catalog_lookups(spotify_user: Pair) -> None:
    fake, sp = spotify_user
    artist = fake.catalog.artist_by_name("Rosalía")
    album = fake.catalog.album_by_name("MOTOMAMI", "Rosalía")
    song = fake.catalog.track_by_title("SAOKO", "Rosalía")

    def run() -> None:
        assert sp.artist(artist.id)["name"] == "Rosalía"
        albums = sp.artist_albums(artist.id, limit=10)
        assert albums["items"][0]["name"] == "LUX" and albums["total"] == 3
        full = sp.album(album.id)
        assert (
            full["tracks"]["items"][0]["name"] == "SAOKO" and full["total_tracks"] == full["tracks"]["total"]
        )
        # sp.album_tracks asks for ".../tracks/" (trailing slash), which the spec has no path for.
        assert sp._get(f"albums/{album.id}/tracks", limit=2)["items"][1]["name"] == "CANDY"
        assert sp.track(song.id)["album"]["name"] == "MOTOMAMI"

    await asyncio.to_thread(run)
    with pytest.raises(spotipy.SpotifyException) as info:
        await asyncio.to_thread(sp.track, "A" * 22)
    assert info.value.http_status == 404


async def test_profile_has_no_removed_fields(spotify_user: Pair) -> None:
    _fake, sp = spotify_user
    me = await asyncio.to_thread(sp._get, "me")
    assert me["id"] == "alice" and me["display_name"] == "Alice" and me["type"] == "user"
    assert "product" not in me and "email" not in me
