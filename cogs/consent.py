"""The consent buttons (not an extension): "Allow"/"Decline" on a controller request sent by DM, and "Stop
sharing" on every message telling a member that a server plays on their account. Their custom ids carry what
they need (a signed, expiring token; a guild id), so they work after a restart and in any process."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.i18n import t
from bot.shown import shown
from bot.spotify.consent import ConsentRequest, ControllerConsent
from cogs.common import Gate, interaction_lang, send, state_of
from cogs.render import OK_COLOUR

log = logging.getLogger(__name__)

CONSENT_PREFIX = "spb:consent:"
STOP_PREFIX = "spb:stop:"


def consent_of(bot: discord.Client) -> ControllerConsent:
    return state_of(bot).consent


def guild_name(bot: discord.Client, guild_id: int, lang: str) -> str:
    guild = bot.get_guild(guild_id)
    return shown(guild.name) if guild is not None else t("consent.a_server", lang)


class ConsentButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"spb:consent:(?P<choice>allow|deny):(?P<token>[\w.-]{1,80})",
):
    def __init__(self, choice: str, token: str, lang: str = "en") -> None:
        super().__init__(
            discord.ui.Button(
                label=t(f"consent.button.{choice}", lang),
                style=discord.ButtonStyle.success if choice == "allow" else discord.ButtonStyle.secondary,
                custom_id=f"{CONSENT_PREFIX}{choice}:{token}",
            )
        )
        self.choice, self.token = choice, token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ConsentButton:
        return cls(match["choice"], match["token"], interaction_lang(interaction))

    async def callback(self, interaction: discord.Interaction) -> None:
        async with Gate(interaction):
            lang = interaction_lang(interaction)
            allow = self.choice == "allow"
            request = await consent_of(interaction.client).answer(
                self.token, interaction.user.id, allow=allow
            )
            name = guild_name(interaction.client, request.guild_id, lang)
            if allow:
                text, view = t("consent.allowed", lang, guild=name), stop_sharing_view(request.guild_id, lang)
            else:
                text, view = t("consent.declined", lang, guild=name), None
            embed = discord.Embed(description=text, colour=OK_COLOUR)
            await interaction.response.edit_message(embed=embed, view=view)


class StopSharingButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"spb:stop:(?P<guild>\d{1,20})"
):
    def __init__(self, guild_id: int, lang: str = "en") -> None:
        super().__init__(
            discord.ui.Button(
                label=t("consent.button.stop", lang),
                style=discord.ButtonStyle.danger,
                custom_id=f"{STOP_PREFIX}{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StopSharingButton:
        return cls(int(match["guild"]), interaction_lang(interaction))

    async def callback(self, interaction: discord.Interaction) -> None:
        async with Gate(interaction):
            lang = interaction_lang(interaction)
            stopped = await consent_of(interaction.client).stop_sharing(self.guild_id, interaction.user.id)
            name = guild_name(interaction.client, self.guild_id, lang)
            key = "consent.stopped" if stopped else "consent.not_sharing"
            await send(
                interaction,
                embed=discord.Embed(description=t(key, lang, guild=name), colour=OK_COLOUR),
                ephemeral=interaction.guild is not None,
            )


def consent_view(request: ConsentRequest, lang: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ConsentButton("allow", request.token, lang))
    view.add_item(ConsentButton("deny", request.token, lang))
    return view


def stop_sharing_view(guild_id: int, lang: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(StopSharingButton(guild_id, lang))
    return view
