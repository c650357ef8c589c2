"""Every action, through real spotipy against the fake Web API: what the user reads and what Spotify did."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.llm.protocols import TrackSuggestion
from bot.nlu import actions as a
from bot.spotify.manager import SessionManager
from bot.spotify.session import GuildSession
from bot.storage.sqlite import SqliteRepository
from tests.spotify.conftest import MapTokens, ScriptedSuggester, api_requests, guild_ctx, link

GUILD = 10
CTX = guild_ctx(GUILD)


@pytest.fixture
async def alice(fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens) -> str:
    return await link(fake, repo, tokens, 1, guild_id=GUILD)


@pytest.fixture
async def session(manager: SessionManager, alice: str) -> GuildSession:
    return await manager.session_for(CTX)


async def test_play_track_by_artist(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    outcome = await session.execute(a.Play(query="get lucky by daft punk"), CTX)
    assert outcome.ok, outcome.message("en")
    player = fake.player(alice)
    assert player.is_playing and player.item is not None
    assert player.item["name"] == "Get Lucky"
    assert outcome.message("en") == "Playing **Get Lucky — Daft Punk, Pharrell Williams, Nile Rodgers**"
    assert outcome.message("es").startswith("Reproduciendo **Get Lucky")
    play = [r for r in fake.requests if r.path == "/v1/me/player/play"][-1]
    assert play.json == {"uris": [player.item["uri"]]}
    searches = [r for r in fake.requests if r.path == "/v1/search"]
    assert all(1 <= int(r.query["limit"]) <= 10 for r in searches)


async def test_play_exact_artist_name_plays_the_artist_context(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    outcome = await session.execute(a.Play(query="Queen"), CTX)
    assert outcome.ok
    artist = fake.catalog.artist_by_name("Queen")
    assert fake.player(alice).context_uri == artist.uri
    assert outcome.message("en") == "Playing songs by **Queen**"


@pytest.mark.parametrize(
    ("query", "kind", "expected"),
    [
        ("discovery", "album", ("album", "Discovery")),
        ("rock classics", "playlist", ("playlist", "Rock Classics")),
        ("metallica", "artist", ("artist", "Metallica")),
    ],
)
async def test_play_contexts(
    fake: FakeSpotify, session: GuildSession, alice: str, query: str, kind: a.Kind, expected: tuple[str, str]
) -> None:
    outcome = await session.execute(a.Play(query=query, kind=kind), CTX)
    assert outcome.ok, outcome.message("en")
    context = fake.player(alice).context_uri
    assert context is not None and context.startswith(f"spotify:{expected[0]}:")
    assert expected[1] in outcome.message("en")


async def test_play_playlist_prefers_the_users_own(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    created = await session.execute(a.CreatePlaylist(name="Rock Classics"), CTX)
    assert created.ok
    own_uri = created.tracks[0].uri
    await session.execute(a.AddToPlaylist(playlist="rock classics", query="creep radiohead"), CTX)
    outcome = await session.execute(a.Play(query="rock classics", kind="playlist"), CTX)
    assert outcome.ok
    assert fake.player(alice).context_uri == own_uri


async def test_play_nothing_found(session: GuildSession) -> None:
    outcome = await session.execute(a.Play(query="zzqxj vvwpt"), CTX)
    assert not outcome.ok
    assert outcome.message("en") == 'Nothing found on Spotify for "zzqxj vvwpt". Try other words.'
    assert outcome.message("es").startswith("No encontré nada en Spotify")


async def test_pause_resume_and_already(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    await session.execute(a.Play(query="one more time daft punk", kind="track"), CTX)
    assert (await session.execute(a.Pause(), CTX)).message("en") == "Paused."
    assert not fake.player(alice).is_playing
    assert (await session.execute(a.Pause(), CTX)).message("en") == "Already paused."
    assert (await session.execute(a.Resume(), CTX)).message("es") == "Reanudado."
    assert fake.player(alice).is_playing
    again = await session.execute(a.Resume(), CTX)
    assert again.ok and again.message("en") == "Already playing."


async def test_skip_count_and_previous(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    await session.execute(a.Play(query="discovery", kind="album"), CTX)
    outcome = await session.execute(a.Skip(count=3), CTX)
    assert outcome.message("en") == "Skipped 3 tracks."
    assert fake.player(alice).item["name"] == "Harder, Better, Faster, Stronger"  # type: ignore[index]
    assert [m for m, p in api_requests(fake) if p == "/v1/me/player/next"] == ["POST"] * 3
    back = await session.execute(a.Previous(), CTX)
    assert back.ok and back.message("en") == "Back to the previous track."
    assert fake.player(alice).item["name"] == "Digital Love"  # type: ignore[index]


async def test_seek_absolute_and_relative_clamped(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    await session.execute(a.Play(query="get lucky by daft punk"), CTX)
    await session.execute(a.Pause(), CTX)
    outcome = await session.execute(a.Seek(position_s=60), CTX)
    assert outcome.message("en").startswith("Jumped to 1:00 of 6:09")
    assert fake.player(alice).progress_ms == 60_000
    await session.execute(a.Seek(delta_s=-30), CTX)
    assert fake.player(alice).progress_ms == 30_000
    await session.execute(a.Seek(delta_s=-300), CTX)
    assert fake.player(alice).progress_ms == 0
    duration = fake.player(alice).item["duration_ms"]  # type: ignore[index]
    await session.execute(a.Seek(delta_s=3600), CTX)
    seeks = [r for r in fake.requests if r.path == "/v1/me/player/seek"]
    assert int(seeks[-1].query["position_ms"]) == duration


async def test_seek_with_nothing_playing(session: GuildSession) -> None:
    outcome = await session.execute(a.Seek(position_s=10), CTX)
    assert not outcome.ok
    assert outcome.message("en") == "Nothing is playing right now. Start something first."


async def test_volume_level_and_delta_clamped(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    outcome = await session.execute(a.Volume(level=40), CTX)
    assert outcome.message("en") == "Volume set to 40%"
    assert fake.player(alice).volume == 40
    await session.execute(a.Play(query="creep radiohead"), CTX)
    up = await session.execute(a.Volume(delta=15), CTX)
    assert up.message("es") == "Volumen al 55%"
    assert fake.player(alice).volume == 55
    await session.execute(a.Volume(delta=100), CTX)
    assert fake.player(alice).volume == 100
    await session.execute(a.Volume(delta=-100), CTX)
    assert fake.player(alice).volume == 0


async def test_volume_delta_without_playback_reads_the_active_device(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    outcome = await session.execute(a.Volume(delta=-10), CTX)
    assert outcome.ok
    assert fake.player(alice).volume == 50  # the default active device starts at 60


async def test_shuffle_and_repeat(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    await session.execute(a.Play(query="abbey road", kind="album"), CTX)
    assert (await session.execute(a.Shuffle(on=True), CTX)).message("en") == "Shuffle is on."
    assert fake.player(alice).shuffle is True
    assert (await session.execute(a.Shuffle(on=False), CTX)).message("es") == "Modo aleatorio desactivado."
    assert fake.player(alice).shuffle is False
    for mode in ("track", "context", "off"):
        outcome = await session.execute(a.Repeat(mode=mode), CTX)  # type: ignore[arg-type]
        assert outcome.ok
        assert fake.player(alice).repeat == mode


async def test_queue_add_and_show_queue(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    await session.execute(a.Play(query="bohemian rhapsody by queen"), CTX)
    outcome = await session.execute(a.QueueAdd(query="karma police radiohead"), CTX)
    assert outcome.ok
    assert outcome.message("en") == "Added **Karma Police — Radiohead** to the queue."
    karma = fake.catalog.track_by_title("Karma Police", "Radiohead").uri
    assert fake.player(alice).queue == [karma]
    shown = await session.execute(a.ShowQueue(), CTX)
    assert shown.ok
    assert shown.tracks[0].uri == karma
    assert shown.playback is not None and shown.playback.track is not None
    assert shown.playback.track.name == "Bohemian Rhapsody"
    assert "1. Karma Police — Radiohead" in shown.message("en")
    assert shown.message("es").startswith("A continuación")


async def test_show_queue_empty(session: GuildSession) -> None:
    await session.execute(a.Play(query="creep radiohead", kind="track"), CTX)  # one track, nothing after it
    outcome = await session.execute(a.ShowQueue(), CTX)
    assert outcome.ok and outcome.message("en") == "The queue is empty."


async def test_now_playing_fills_playback(fake: FakeSpotify, session: GuildSession, alice: str) -> None:
    nothing = await session.execute(a.NowPlaying(), CTX)
    assert nothing.ok and nothing.message("en") == "Nothing is playing right now."
    await session.execute(a.Play(query="get lucky by daft punk"), CTX)
    await session.execute(a.Pause(), CTX)
    await session.execute(a.Seek(position_s=65), CTX)
    outcome = await session.execute(a.NowPlaying(), CTX)
    pb = outcome.playback
    assert pb is not None and pb.track is not None and pb.device is not None
    assert pb.track.name == "Get Lucky"
    assert pb.track.album == "Random Access Memories"
    assert pb.track.art_url and pb.track.art_url.startswith("https://")
    assert pb.progress_ms == 65_000 and pb.track.duration_ms > 360_000
    assert pb.device.name == "Web Player (Chrome)" and pb.volume == 60
    assert outcome.message("en") == (
        "Paused: **Get Lucky** by Daft Punk, Pharrell Williams, Nile Rodgers (1:05 / 6:09) on Web Player (Chrome)"
    )
    assert await session.playback() == pb


async def test_like_saves_the_current_track_via_me_library(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    await session.execute(a.Play(query="creep radiohead"), CTX)
    outcome = await session.execute(a.Like(), CTX)
    assert outcome.ok and outcome.message("en") == "Saved **Creep — Radiohead** to your library."
    creep = fake.catalog.track_by_title("Creep", "Radiohead").uri
    assert creep in fake.users[alice].library
    save = [r for r in fake.requests if r.path == "/v1/me/library"][-1]
    assert (save.method, save.query) == ("PUT", {"uris": creep})


async def test_like_with_nothing_playing(session: GuildSession) -> None:
    outcome = await session.execute(a.Like(), CTX)
    assert not outcome.ok and "Nothing is playing" in outcome.message("en")


async def test_create_playlist_and_add_current_and_named_tracks(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    created = await session.execute(a.CreatePlaylist(name="Road Trip"), CTX)
    assert created.ok and created.message("en") == "Created the playlist **Road Trip**."
    create = [r for r in fake.requests if r.path == "/v1/me/playlists" and r.method == "POST"][-1]
    assert create.json["name"] == "Road Trip"
    await session.execute(a.Play(query="here comes the sun beatles"), CTX)
    current = await session.execute(a.AddToPlaylist(playlist="road trp"), CTX)  # fuzzy name
    assert current.ok, current.message("en")
    assert current.message("en") == "Added **Here Comes the Sun — The Beatles** to **Road Trip**."
    named = await session.execute(
        a.AddToPlaylist(playlist="Road Trip", query="whenever wherever de shakira"), CTX
    )
    assert named.ok
    playlist = fake.user_playlists[created.tracks[0].uri.rsplit(":", 1)[-1]]
    assert playlist.track_uris[1] == fake.catalog.track_by_title("Whenever, Wherever", "Shakira").uri
    adds = [r for r in fake.requests if r.path.endswith("/items") and r.method == "POST"]
    assert adds and all(r.path.startswith("/v1/playlists/") for r in adds)


async def test_add_to_unknown_playlist_lists_the_users_playlists(session: GuildSession) -> None:
    await session.execute(a.CreatePlaylist(name="Gym"), CTX)
    outcome = await session.execute(a.AddToPlaylist(playlist="wedding songs", query="creep"), CTX)
    assert not outcome.ok
    assert outcome.message("en") == 'You have no playlist called "wedding songs". Your playlists: Gym.'
    assert "Tus playlists: Gym" in outcome.message("es")


async def test_devices_and_transfer_by_fuzzy_name(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    listed = await session.execute(a.Devices(), CTX)
    assert [d.name for d in listed.devices] == ["Web Player (Chrome)", "Pixel 8"]
    assert listed.devices[0].is_active
    assert "▶ Web Player (Chrome) (Computer)" in listed.message("en")
    moved = await session.execute(a.Transfer(device="pixel"), CTX)
    assert moved.ok and moved.message("en") == "Now playing on **Pixel 8**."
    assert fake.player(alice).device["name"] == "Pixel 8"  # type: ignore[index]
    transfer = [r for r in fake.requests if r.path == "/v1/me/player" and r.method == "PUT"][-1]
    assert transfer.json["device_ids"] == [fake.device_id(alice, "Pixel 8")]


async def test_transfer_to_unknown_device_lists_devices(session: GuildSession) -> None:
    outcome = await session.execute(a.Transfer(device="kitchen speaker"), CTX)
    assert not outcome.ok
    assert (
        outcome.message("en")
        == 'No device called "kitchen speaker". Available: Web Player (Chrome), Pixel 8.'
    )
    assert len(outcome.devices) == 2


async def test_search_action_and_autocomplete(fake: FakeSpotify, session: GuildSession) -> None:
    outcome = await session.execute(a.Search(query="daft punk"), CTX)
    assert outcome.ok and len(outcome.tracks) >= 3
    assert all("Daft Punk" in t.artists for t in outcome.tracks)
    assert outcome.message("en").startswith('Results for "daft punk":\n1. ')
    artists = await session.search("radiohead", "artist", limit=3)
    assert artists[0].name == "Radiohead" and artists[0].uri.startswith("spotify:artist:")
    assert await session.search("   ") == []
    limits = [int(r.query["limit"]) for r in fake.requests if r.path == "/v1/search"]
    assert max(limits) <= 10


async def test_recommend_resolves_dedupes_and_drops_unknown(
    fake: FakeSpotify, repo: SqliteRepository, tokens: MapTokens, settings: Settings, alice: str
) -> None:
    suggester = ScriptedSuggester(
        [
            TrackSuggestion(title="Karma Police", artist="Radiohead"),
            TrackSuggestion(title="Not A Real Song Qzx", artist="Nobody Band"),
            TrackSuggestion(title="karma police", artist="radiohead"),
            TrackSuggestion(title="Yellow", artist="Coldplay"),
            TrackSuggestion(title="Clocks", artist="Coldplay"),
        ]
    )
    sessions = SessionManager(
        repo=repo, tokens=tokens, settings=settings, suggester=suggester, api_base=fake.api_base
    )
    try:
        session = await sessions.session_for(CTX)
        outcome = await session.execute(
            a.Recommend(prompt="sad british rock", count=3), guild_ctx(GUILD, locale="es")
        )
    finally:
        await sessions.aclose()
    assert outcome.ok, outcome.message("en")
    assert [t.name for t in outcome.tracks] == ["Karma Police", "Yellow", "Clocks"]
    assert suggester.asked[0][0] == "sad british rock" and suggester.asked[0][2] == "es"
    assert outcome.message("es").startswith(
        '3 sugerencias para "sad british rock":\n1. Karma Police — Radiohead'
    )


async def test_recommend_without_llm_says_so(session: GuildSession) -> None:
    outcome = await session.execute(a.Recommend(prompt="chill"), CTX)
    assert not outcome.ok
    assert "need an LLM key" in outcome.message("en")
    assert "necesitan una clave de LLM" in outcome.message("es")


async def test_play_queue_and_save_uris_from_buttons(
    fake: FakeSpotify, session: GuildSession, alice: str
) -> None:
    uris = [
        fake.catalog.track_by_title("Yellow", "Coldplay").uri,
        fake.catalog.track_by_title("Creep", "Radiohead").uri,
    ]
    played = await session.play_uris(uris)
    assert played.ok and played.message("en") == "Playing 2 tracks"
    assert fake.player(alice).tracks == uris
    queued = await session.queue_uris(uris[:1])
    assert queued.ok and fake.player(alice).queue == uris[:1]
    saved = await session.save_playlist("Mix", uris)
    assert saved.ok and saved.message("en") == "Saved 2 tracks to the new playlist **Mix**."
    mix = next(p for p in fake.user_playlists.values() if p.name == "Mix")
    assert mix.track_uris == uris


async def test_help_and_reply_pass_through(session: GuildSession) -> None:
    reply = await session.execute(a.Reply(text="Queen formed in 1970."), CTX)
    assert reply.ok and reply.message("en") == "Queen formed in 1970."
