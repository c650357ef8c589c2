"""Plain-text rendering used by the terminal chat."""

from __future__ import annotations

from bot.render import format_duration, outcome_text, progress_bar
from bot.spotify.outcome import DeviceInfo, Outcome, PlaybackInfo, TrackInfo


def test_progress_bar_places_the_knob_by_ratio() -> None:
    assert progress_bar(0, 200_000) == "0:00 ●───────── 3:20"
    assert progress_bar(100_000, 200_000) == "1:40 ━━━━━●──── 3:20"
    assert progress_bar(200_000, 200_000).endswith("━━━━━━━━━● 3:20")


def test_durations_over_an_hour_show_hours() -> None:
    assert format_duration(3_723_000) == "1:02:03"
    assert format_duration(-5) == "0:00"


def test_now_playing_text_shows_track_device_and_volume_in_spanish() -> None:
    track = TrackInfo(uri="spotify:track:1", name="Get Lucky", artists=("Daft Punk",), duration_ms=248_000)
    playback = PlaybackInfo(
        track=track, is_playing=True, progress_ms=60_000, device=DeviceInfo("d", "Salón"), volume=40
    )
    outcome = Outcome(
        action="now_playing", ok=True, key="reply.text", params={"text": "Ahora"}, playback=playback
    )
    text = outcome_text(outcome, "es")
    assert "1:00 ━━" in text
    assert "en Salón" in text
    assert "volumen 40%" in text
