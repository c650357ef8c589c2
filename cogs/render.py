"""Outcomes -> Discord embeds, within Discord's limits (title 256, description 4096, field 1024, total 6000)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.errors import UserFacingError
from bot.i18n import t
from bot.render import format_duration, progress_bar
from bot.shown import shown, shown_params
from bot.spotify.outcome import DeviceInfo, Outcome, PlaybackInfo, TrackInfo

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048
MESSAGE_LIMIT = 2000
LIST_LIMIT = 10

OK_COLOUR = discord.Colour(0x1DB954)  # Spotify green
ERROR_COLOUR = discord.Colour.red()


def trim(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def message_of(what: Outcome | UserFacingError, lang: str) -> str:
    """An outcome's or an error's sentence, its user- and Spotify-supplied parameters escaped (bot.shown)."""
    if isinstance(what, Outcome) and what.error is not None:
        what = what.error
    return t(what.key, lang, **shown_params(what.params))


def track_lines(tracks: Sequence[TrackInfo], lang: str, limit: int = LIST_LIMIT) -> list[str]:
    lines = [
        f"{i}. {shown(trim(track.label, 120))}"
        + (f" ({format_duration(track.duration_ms)})" if track.duration_ms else "")
        for i, track in enumerate(tracks[:limit], start=1)
    ]
    if len(tracks) > limit:
        lines.append(t("ui.more", lang, count=len(tracks) - limit))
    return lines


def device_lines(devices: Sequence[DeviceInfo]) -> list[str]:
    return [
        f"{'●' if d.is_active else '○'} {shown(trim(d.name, 80))} ({shown(d.type)})" for d in devices[:25]
    ]


def now_playing_embed(playback: PlaybackInfo | None, lang: str) -> discord.Embed:
    """The panel: title, artists, album art, progress bar, device and volume."""
    if playback is None or playback.track is None:
        return discord.Embed(description=t("ui.nothing_playing", lang), colour=OK_COLOUR)
    track = playback.track
    state = "▶" if playback.is_playing else "⏸"
    embed = discord.Embed(
        title=trim(f"{state} {shown(track.name)}", TITLE_LIMIT),
        description=trim(shown(", ".join(track.artists)), DESCRIPTION_LIMIT) or None,
        colour=OK_COLOUR,
    )
    if track.uri.startswith("spotify:track:"):
        embed.url = "https://open.spotify.com/track/" + track.uri.rsplit(":", 1)[-1]
    if track.art_url:
        embed.set_thumbnail(url=track.art_url)
    if track.album:
        embed.add_field(
            name=t("ui.panel.album", lang), value=trim(shown(track.album), FIELD_LIMIT), inline=False
        )
    embed.add_field(
        name="\u200b", value=f"`{progress_bar(playback.progress_ms, track.duration_ms)}`", inline=False
    )
    footer: list[str] = []
    if playback.device is not None:
        footer.append(f"{t('ui.panel.device', lang)}: {shown(playback.device.name, markdown=False)}")
    volume = (
        playback.volume
        if playback.volume is not None
        else (playback.device.volume if playback.device else None)
    )
    if volume is not None:
        footer.append(f"{t('ui.panel.volume', lang)}: {volume}%")
    if playback.shuffle:
        footer.append(t("ui.panel.shuffle_on", lang))
    if playback.repeat != "off":
        footer.append(t("ui.panel.repeat", lang, mode=playback.repeat))
    if footer:
        embed.set_footer(text=trim(" · ".join(footer), FOOTER_LIMIT))
    return embed


def outcome_lines(outcome: Outcome, lang: str) -> list[str]:
    """The message plus the lists it carries (tracks, devices, queue)."""
    message = message_of(outcome, lang)
    lines = [message]
    if outcome.ok:
        # Some messages already list their items (the session formats them): do not repeat them.
        if outcome.tracks and shown(outcome.tracks[0].name) not in message and len(outcome.tracks) > 1:
            lines.extend(track_lines(outcome.tracks, lang))
        if outcome.devices and shown(outcome.devices[0].name) not in message:
            lines.extend(device_lines(outcome.devices))
    return lines


def outcomes_embed(outcomes: Sequence[Outcome], lang: str) -> discord.Embed:
    """One embed for everything one request did: each outcome's sentence, then data to show."""
    ok = bool(outcomes) and all(o.ok for o in outcomes)
    shown_playback = next(
        (o.playback for o in outcomes if o.ok and o.action == "now_playing" and o.playback is not None), None
    )
    if shown_playback is not None and len(outcomes) == 1:
        return now_playing_embed(shown_playback, lang)
    lines: list[str] = []
    for outcome in outcomes:
        lines.extend(outcome_lines(outcome, lang))
    embed = discord.Embed(
        description=trim("\n".join(lines) or t("error.unexpected", lang), DESCRIPTION_LIMIT),
        colour=OK_COLOUR if ok else ERROR_COLOUR,
    )
    art = next(
        (
            o.playback.track.art_url
            for o in outcomes
            if o.ok and o.playback is not None and o.playback.track is not None and o.playback.track.art_url
        ),
        None,
    )
    if art:
        embed.set_thumbnail(url=art)
    return embed


EMBED_TOTAL_LIMIT = 6000


def embed_length_ok(embed: discord.Embed) -> bool:
    """Discord rejects embeds whose text adds up to more than 6000 characters."""
    return len(embed) <= EMBED_TOTAL_LIMIT


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Shorten an embed until its text fits Discord's 6000-character total: the description first, then the
    last fields, then the footer."""
    if embed_length_ok(embed):
        return embed
    if embed.description:
        keep = len(embed.description) - (len(embed) - EMBED_TOTAL_LIMIT)
        embed.description = trim(embed.description, keep) if keep > 1 else None
    while not embed_length_ok(embed) and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if not embed_length_ok(embed) and embed.footer.text:
        keep = len(embed.footer.text) - (len(embed) - EMBED_TOTAL_LIMIT)
        embed.set_footer(text=trim(embed.footer.text, keep) if keep > 1 else None)
    if not embed_length_ok(embed) and embed.author.name:
        embed.remove_author()
    return embed
