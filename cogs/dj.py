"""/dj start <vibe> and /dj stop: DJ mode keeps the guild's queue going (bot.dj.service does the work)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.dj.service import DjService
from bot.dj.state import DjState
from bot.errors import UserFacingError
from bot.i18n import t
from cogs.common import Gate, L, send_outcome, services_of

log = logging.getLogger(__name__)

GUILD_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)


def dj_of(bot: discord.Client) -> DjService:
    dj = services_of(bot).dj
    if dj is None:
        raise UserFacingError()
    return dj


def add_dj_line(bot: discord.Client, guild_id: int | None, embed: discord.Embed, lang: str) -> discord.Embed:
    """The now-playing panel says when DJ mode is on, and its vibe."""
    dj = services_of(bot).dj
    state = dj.status(guild_id) if dj is not None else None
    if state is not None:
        embed.add_field(name="🎧", value=t("dj.panel", lang, vibe=state.vibe)[:1024], inline=False)
    return embed


class Dj(commands.Cog):
    dj = app_commands.Group(
        name="dj", description=L("ui.cmd.dj"), guild_only=True, allowed_contexts=GUILD_ONLY
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._channels: dict[int, int] = {}  # guild -> channel where DJ mode was started (for its end notice)

    def _service(self) -> DjService | None:
        """None when the bot runs without services (e.g. `python -m bot commands` builds the tree only)."""
        state = getattr(self.bot, "state", None)
        return state.services.dj if state is not None else None

    async def cog_load(self) -> None:
        service = self._service()
        if service is not None:
            service.add_end_listener(self._ended)
            await service.resume_all()

    async def cog_unload(self) -> None:
        service = self._service()
        if service is not None:
            await service.aclose()

    async def _ended(self, state: DjState, reason: str) -> None:
        """Say in the channel it was started from why DJ mode stopped by itself."""
        channel_id = self._channels.pop(state.guild_id, None)
        channel = self.bot.get_channel(channel_id) if channel_id is not None else None
        if not isinstance(channel, discord.abc.Messageable):
            return
        key = "dj.ended_idle" if reason == "idle" else "dj.ended_controller"
        try:
            await channel.send(t(key, state.lang))
        except discord.HTTPException:
            log.info("could not tell guild %s that DJ mode ended", state.guild_id)

    @dj.command(name="start", description=L("ui.cmd.dj.start"))
    @app_commands.rename(vibe=L("ui.opt.vibe"))
    @app_commands.describe(vibe=L("ui.optdesc.vibe"))
    async def start(self, interaction: discord.Interaction, vibe: app_commands.Range[str, 1, 200]) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin(control=True)
            outcome = await dj_of(self.bot).start(ctx, vibe)
            if ctx.guild_id is not None and ctx.channel_id is not None:
                self._channels[ctx.guild_id] = ctx.channel_id
            await send_outcome(interaction, outcome, ctx.locale)

    @dj.command(name="stop", description=L("ui.cmd.dj.stop"))
    async def stop(self, interaction: discord.Interaction) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin(control=True)
            outcome = await dj_of(self.bot).stop(ctx)
            await send_outcome(interaction, outcome, ctx.locale)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Dj(bot))
