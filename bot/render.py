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
    """Progress bar, device and volume under a now-playing message."""
    if playback.track is None:
        return []
    lines = [f"   {progress_bar(playback.progress_ms, playback.track.duration_ms)}"]
    details = []
    if playback.device is not None:
        details.append(t("render.device", lang, name=playback.device.name))
    if playback.volume is not None:
        details.append(t("render.volume", lang, level=playback.volume))
    if details:
        lines.append("   " + " · ".join(details))
    return lines


def outcome_text(outcome: Outcome, lang: str) -> str:
    """The outcome's message (lists are already in it), with a progress bar for now-playing."""
    lines = [outcome.message(lang)]
    if outcome.ok and outcome.action == "now_playing" and outcome.playback is not None:
        lines.extend(playback_lines(outcome.playback, lang))
    return "\n".join(lines)
