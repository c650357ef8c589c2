from bot.spotify.outcome import DeviceInfo, Outcome, PlaybackInfo, TrackInfo
from cogs.render import now_playing_embed, outcomes_embed, trim

TRACK = TrackInfo(
    uri="spotify:track:abc",
    name="Get Lucky",
    artists=("Daft Punk", "Pharrell Williams"),
    album="Random Access Memories",
    art_url="https://i.scdn.co/image/x",
    duration_ms=225_000,
)


def test_now_playing_embed_shows_track_progress_device_and_volume() -> None:
    playback = PlaybackInfo(
        track=TRACK, is_playing=True, progress_ms=83_000, device=DeviceInfo("d1", "Kitchen"), volume=60
    )
    embed = now_playing_embed(playback, "en")
    assert "Get Lucky" in (embed.title or "")
    assert embed.description == "Daft Punk, Pharrell Williams"
    assert embed.thumbnail.url == TRACK.art_url
    assert any("1:23" in f.value and "3:45" in f.value and "●" in f.value for f in embed.fields)
    assert "Kitchen" in (embed.footer.text or "") and "60%" in (embed.footer.text or "")
    assert embed.url == "https://open.spotify.com/track/abc"


def test_now_playing_in_spanish_and_nothing_playing() -> None:
    playback = PlaybackInfo(track=TRACK, is_playing=False, device=DeviceInfo("d1", "Salón"), volume=30)
    assert "Volumen: 30%" in (now_playing_embed(playback, "es").footer.text or "")
    assert now_playing_embed(None, "es").description == "No suena nada ahora mismo."


def test_outcomes_embed_joins_messages_and_lists_tracks_within_limits() -> None:
    tracks = [TrackInfo(uri=f"spotify:track:{i}", name="x" * 300, artists=("A",)) for i in range(15)]
    outcome = Outcome(
        action="recommend", ok=True, key="reply.text", params={"text": "Here you go"}, tracks=tracks
    )
    embed = outcomes_embed([outcome], "en")
    assert embed.description is not None
    assert embed.description.startswith("Here you go")
    assert "1. " in embed.description and "…and 5 more" in embed.description
    assert len(embed) <= 6000


def test_failed_outcome_is_red_and_says_why() -> None:
    outcome = Outcome(action="play", ok=False, key="error.not_allowed")
    embed = outcomes_embed([outcome], "es")
    assert embed.colour is not None and embed.colour.value == 0xE74C3C
    assert "rol de DJ" in (embed.description or "")


def test_trim_respects_limit() -> None:
    assert trim("abcdef", 4) == "abc…"
    assert trim("abc", 4) == "abc"
    assert len(trim("x" * 5000, 4096)) == 4096


def test_fit_embed_keeps_every_embed_within_6000_characters() -> None:
    import discord

    from cogs.render import embed_length_ok, fit_embed

    embed = discord.Embed(title="t" * 256, description="d" * 4096)
    for i in range(3):
        embed.add_field(name=f"f{i}", value="v" * 1024)
    embed.set_footer(text="x" * 2048)
    assert not embed_length_ok(embed)
    fitted = fit_embed(embed)
    assert embed_length_ok(fitted) and fitted.title == "t" * 256
    assert (fitted.description or "").endswith("…") and len(fitted.fields) == 3
