"""Plain-text rendering of outcomes, shared by the terminal chat and anything that is not an embed."""

from __future__ import annotations

from bot.i18n import t
from bot.spotify.outcome import Outcome, PlaybackInfo

BAR_WIDTH = 10


def format_duration(ms: int) -> str:
    """123456 -> '2:03'; an hour or more -> '1:02:03'."""
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_bar(progress_ms: int, duration_ms: int, width: int = BAR_WIDTH) -> str:
    """'1:23 ━━━━━●──── 3:45'."""
    ratio = min(1.0, max(0.0, progress_ms / duration_ms)) if duration_ms > 0 else 0.0
    knob = min(width - 1, int(ratio * width))
    bar = "━" * knob + "●" + "─" * (width - knob - 1)
    return f"{format_duration(progress_ms)} {bar} {format_duration(duration_ms)}"


def playback_lines(playback: PlaybackInfo, lang: str) -> list[str]:
    if playback.track is None:
        return [t("render.nothing_playing", lang)]
    track = playback.track
    state = "▶" if playback.is_playing else "⏸"
    lines = [f"{state} {track.label}"]
    if track.album:
        lines.append(f"   {track.album}")
    lines.append(f"   {progress_bar(playback.progress_ms, track.duration_ms)}")
    details = []
    if playback.device is not None:
        details.append(t("render.device", lang, name=playback.device.name))
    if playback.volume is not None:
        details.append(t("render.volume", lang, level=playback.volume))
    if details:
        lines.append("   " + " · ".join(details))
    return lines


def outcome_text(outcome: Outcome, lang: str) -> str:
    """The message plus whatever data the outcome carries (tracks, devices, playback)."""
    lines = [outcome.message(lang)]
    if outcome.ok and outcome.action in {"now_playing", "show_queue"} and outcome.playback is not None:
        lines.extend(playback_lines(outcome.playback, lang))
    for index, track in enumerate(outcome.tracks[:20], start=1):
        lines.append(f"  {index}. {track.label}")
    for device in outcome.devices:
        marker = "●" if device.is_active else "○"
        lines.append(f"  {marker} {device.name} ({device.type})")
    return "\n".join(lines)
