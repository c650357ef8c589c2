"""/help: how to talk to the bot."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import t
from cogs.common import Gate, L, personal, send
from cogs.render import OK_COLOUR, trim


class Help(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description=L("ui.cmd.help"))
    @personal
    async def help(self, interaction: discord.Interaction) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin(ephemeral=True, defer=False)
            embed = discord.Embed(description=trim(t("help.text", ctx.locale), 4096), colour=OK_COLOUR)
            await send(interaction, embed=embed, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Help(bot))
