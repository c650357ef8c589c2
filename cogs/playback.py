"""Slash commands that control playback: /play, /pause, /resume, /skip, /previous, /seek, /volume,
/shuffle, /repeat, /queue add|show, /like, /playlist create|add, /ask."""

from __future__ import annotations

import logging
import re
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError
from bot.nlu import actions as a
from bot.nlu.actions import MAX_QUERY, Action
from bot.nlu.text import normalise_text
from bot.shown import shown
from cogs.common import (
    ANY_INSTALL,
    PERSONAL_CONTEXTS,
    Gate,
    L,
    interaction_context,
    personal,
    send,
    send_outcome,
    services_of,
    state_of,
)
from cogs.render import outcomes_embed, trim

log = logging.getLogger(__name__)

AUTOCOMPLETE_MIN_CHARS = 2
MAX_POSITION_S = 24 * 3600  # what a Seek action accepts; longer than any track
_POSITION = re.compile(r"^\s*(?:(\d{1,2}):)?(\d{1,2}):(\d{1,2})\s*$|^\s*(\d{1,6})\s*s?\s*$")


def parse_position(text: str) -> int:
    """'1:30' -> 90, '90' -> 90, '1:02:03' -> 3723. Raises UserFacingError on anything else.

    Digits are bounded before int() (thousands of digits would hit Python's int-digit limit) and so is
    the result (at most MAX_POSITION_S)."""
    match = _POSITION.match(text[:64])
    if match is None:
        raise UserFacingError("ui.seek.bad_position")
    hours, minutes, seconds, plain = match.groups()
    if plain is not None:
        position = int(plain)
    elif int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        raise UserFacingError("ui.seek.bad_position")
    else:
        position = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if position > MAX_POSITION_S:
        raise UserFacingError("ui.seek.too_far")
    return position


def clip(text: str, limit: int = MAX_QUERY) -> str:
    """A slash-command option through the same input guard as messages (no control or bidi characters)."""
    return normalise_text(text)[:limit].strip()


async def run_and_show(interaction: discord.Interaction, action: Action, *, control: bool) -> None:
    """The common body of a one-action command: gate, run through the Assistant, render."""
    async with Gate(interaction) as gate:
        ctx = await gate.begin(control=control)
        outcome = await services_of(interaction.client).assistant.run_action(action, ctx)
        await send_outcome(interaction, outcome, ctx.locale)


class Playback(commands.Cog):
    """Playback control. DJ-role checks happen in `Gate.begin(control=True)` and again in the Assistant."""

    queue = app_commands.Group(
        name="queue",
        description=L("ui.cmd.queue"),
        allowed_contexts=PERSONAL_CONTEXTS,
        allowed_installs=ANY_INSTALL,
    )
    playlist = app_commands.Group(
        name="playlist",
        description=L("ui.cmd.playlist"),
        allowed_contexts=PERSONAL_CONTEXTS,
        allowed_installs=ANY_INSTALL,
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="play", description=L("ui.cmd.play"))
    @personal
    @app_commands.rename(query=L("ui.opt.query"))
    @app_commands.describe(query=L("ui.optdesc.query"))
    async def play(self, interaction: discord.Interaction, query: str) -> None:
        await run_and_show(interaction, a.Play(query=clip(query) or "?"), control=True)

    @play.autocomplete("query")
    async def play_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await search_choices(interaction, current)

    @app_commands.command(name="pause", description=L("ui.cmd.pause"))
    @personal
    async def pause(self, interaction: discord.Interaction) -> None:
        await run_and_show(interaction, a.Pause(), control=True)

    @app_commands.command(name="resume", description=L("ui.cmd.resume"))
    @personal
    async def resume(self, interaction: discord.Interaction) -> None:
        await run_and_show(interaction, a.Resume(), control=True)

    @app_commands.command(name="skip", description=L("ui.cmd.skip"))
    @personal
    @app_commands.rename(count=L("ui.opt.count"))
    @app_commands.describe(count=L("ui.optdesc.count"))
    async def skip(self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 50] = 1) -> None:
        await run_and_show(interaction, a.Skip(count=count), control=True)

    @app_commands.command(name="previous", description=L("ui.cmd.previous"))
    @personal
    async def previous(self, interaction: discord.Interaction) -> None:
        await run_and_show(interaction, a.Previous(), control=True)

    @app_commands.command(name="seek", description=L("ui.cmd.seek"))
    @personal
    @app_commands.rename(position=L("ui.opt.position"))
    @app_commands.describe(position=L("ui.optdesc.position"))
    async def seek(self, interaction: discord.Interaction, position: str) -> None:
        async with Gate(interaction) as gate:
            seconds = parse_position(position)
            ctx = await gate.begin(control=True)
            outcome = await services_of(self.bot).assistant.run_action(a.Seek(position_s=seconds), ctx)
            await send_outcome(interaction, outcome, ctx.locale)

    @app_commands.command(name="volume", description=L("ui.cmd.volume"))
    @personal
    @app_commands.rename(level=L("ui.opt.level"))
    @app_commands.describe(level=L("ui.optdesc.level"))
    async def volume(self, interaction: discord.Interaction, level: app_commands.Range[int, 0, 100]) -> None:
        await run_and_show(interaction, a.Volume(level=level), control=True)

    @app_commands.command(name="shuffle", description=L("ui.cmd.shuffle"))
    @personal
    @app_commands.rename(state=L("ui.opt.state"))
    @app_commands.describe(state=L("ui.optdesc.state"))
    @app_commands.choices(
        state=[
            app_commands.Choice(name=L("ui.choice.on"), value="on"),
            app_commands.Choice(name=L("ui.choice.off"), value="off"),
        ]
    )
    async def shuffle(self, interaction: discord.Interaction, state: str) -> None:
        await run_and_show(interaction, a.Shuffle(on=state == "on"), control=True)

    @app_commands.command(name="repeat", description=L("ui.cmd.repeat"))
    @personal
    @app_commands.rename(mode=L("ui.opt.mode"))
    @app_commands.describe(mode=L("ui.optdesc.mode"))
    @app_commands.choices(
        mode=[
            app_commands.Choice(name=L("ui.choice.off"), value="off"),
            app_commands.Choice(name=L("ui.choice.repeat.track"), value="track"),
            app_commands.Choice(name=L("ui.choice.repeat.context"), value="context"),
        ]
    )
    async def repeat(self, interaction: discord.Interaction, mode: str) -> None:
        chosen: Literal["off", "track", "context"] = (
            "track" if mode == "track" else "context" if mode == "context" else "off"
        )
        await run_and_show(interaction, a.Repeat(mode=chosen), control=True)

    @queue.command(name="add", description=L("ui.cmd.queue.add"))
    @app_commands.rename(query=L("ui.opt.query"))
    @app_commands.describe(query=L("ui.optdesc.query"))
    async def queue_add(self, interaction: discord.Interaction, query: str) -> None:
        await run_and_show(interaction, a.QueueAdd(query=clip(query) or "?"), control=True)

    @queue_add.autocomplete("query")
    async def queue_add_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await search_choices(interaction, current)

    @queue.command(name="show", description=L("ui.cmd.queue.show"))
    async def queue_show(self, interaction: discord.Interaction) -> None:
        await run_and_show(interaction, a.ShowQueue(), control=False)

    @app_commands.command(name="like", description=L("ui.cmd.like"))
    @personal
    async def like(self, interaction: discord.Interaction) -> None:
        await run_and_show(interaction, a.Like(), control=True)

    @playlist.command(name="create", description=L("ui.cmd.playlist.create"))
    @app_commands.rename(name=L("ui.opt.name"))
    @app_commands.describe(name=L("ui.optdesc.name"))
    async def playlist_create(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]
    ) -> None:
        await run_and_show(interaction, a.CreatePlaylist(name=clip(name, 100)), control=True)

    @playlist.command(name="add", description=L("ui.cmd.playlist.add"))
    @app_commands.rename(name=L("ui.opt.name"), query=L("ui.opt.query"))
    @app_commands.describe(name=L("ui.optdesc.name"), query=L("ui.optdesc.song"))
    async def playlist_add(
        self, interaction: discord.Interaction, name: str, query: str | None = None
    ) -> None:
        song = clip(query) if query else None
        await run_and_show(
            interaction, a.AddToPlaylist(playlist=clip(name), query=song or None), control=True
        )

    @app_commands.command(name="ask", description=L("ui.cmd.ask"))
    @personal
    @app_commands.rename(text=L("ui.opt.text"))
    @app_commands.describe(text=L("ui.optdesc.text"))
    async def ask(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 2000]) -> None:
        """Free text through the same pipeline as a mention (control checked per action by the Assistant)."""
        async with Gate(interaction) as gate:
            ctx = await gate.begin()
            response = await services_of(self.bot).assistant.handle_text(text, ctx)
            embed = outcomes_embed(response.outcomes, response.lang)
            embed.set_author(name=trim(shown(normalise_text(text), markdown=False), 200) or "…")
            await send(interaction, embed=embed)


async def search_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete from Spotify search, cached ~30 s per (session, prefix). Never raises."""
    prefix = " ".join(current.split()).lower()[:MAX_QUERY]
    if len(prefix) < AUTOCOMPLETE_MIN_CHARS:
        return []
    try:
        state = state_of(interaction.client)
        ctx = await interaction_context(interaction.client, interaction)
        key = (ctx.session_key, prefix)
        cached = state.search_cache.get(key)
        if cached is not None:
            return cached
        session = await state.services.sessions.session_for(ctx)
        tracks = await state.autocomplete.run(
            ctx.session_key, ctx.user_id, lambda: session.search(prefix, "track", 10)
        )
        if tracks is None:  # refused (rate, bound), replaced by a newer keystroke, or timed out
            return []
        choices = [
            app_commands.Choice(
                name=trim(shown(track.label, markdown=False), 100) or "?", value=track.uri[:100]
            )
            for track in tracks[:25]
        ]
        state.search_cache.put(key, choices)
        return choices
    except Exception as exc:  # autocomplete must answer something; the command itself reports errors
        log.info("autocomplete failed: %s", type(exc).__name__)
        return []


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Playback(bot))
