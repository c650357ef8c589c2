from __future__ import annotations

from typing import Any

import discord

from bot.client import SpotifyBot
from tests.cogs.conftest import GUILD_ID


def settings_cog(bot: SpotifyBot) -> Any:
    return bot.get_cog("Settings")


class Role:
    def __init__(self, role_id: int) -> None:
        self.id = role_id
        self.mention = f"<@&{role_id}>"


async def test_dj_role_needs_manage_server(bot: SpotifyBot, services: Any, interaction: Any) -> None:
    inter = interaction()
    await settings_cog(bot).dj_role.callback(settings_cog(bot), inter, Role(5))
    assert inter.last.ephemeral and "Manage Server" in inter.last.text
    assert (await services.repo.get_guild_settings(GUILD_ID)).dj_role_id is None


async def test_dj_role_set_and_cleared(bot: SpotifyBot, services: Any, interaction: Any) -> None:
    inter = interaction(manage_guild=True)
    await settings_cog(bot).dj_role.callback(settings_cog(bot), inter, Role(5))
    assert "<@&5>" in inter.last.text and inter.last.ephemeral
    assert (await services.repo.get_guild_settings(GUILD_ID)).dj_role_id == 5
    await settings_cog(bot).dj_role.callback(settings_cog(bot), interaction(manage_guild=True), None)
    assert (await services.repo.get_guild_settings(GUILD_ID)).dj_role_id is None


async def test_language_setting_switches_replies_to_spanish(
    bot: SpotifyBot, services: Any, interaction: Any
) -> None:
    inter = interaction(manage_guild=True)
    await settings_cog(bot).language.callback(settings_cog(bot), inter, "es")
    assert inter.last.text == "Hablaré español aquí."
    help_cog = bot.get_cog("Help")
    english_user = interaction(locale=discord.Locale.british_english)
    await help_cog.help.callback(help_cog, english_user)  # type: ignore[union-attr]
    assert "Háblame" in english_user.last.text


async def test_controller_and_client_id(bot: SpotifyBot, services: Any, interaction: Any) -> None:
    from tests.cogs.conftest import FakeUser

    asked = interaction(manage_guild=True)
    await settings_cog(bot).controller.callback(settings_cog(bot), asked, FakeUser(77))
    # nobody's account plays without their consent (issue 12): 77 has not even linked one
    assert (await services.repo.get_guild_settings(GUILD_ID)).controller_user_id is None
    assert "no working Spotify link" in asked.last.text
    inter = interaction(manage_guild=True)
    await settings_cog(bot).client_id.callback(settings_cog(bot), inter, "f" * 32)
    assert services.settings.spotify_redirect_uri in inter.last.text
    assert (await services.repo.get_guild_settings(GUILD_ID)).spotify_client_id == "f" * 32
    bad = interaction(manage_guild=True)
    await settings_cog(bot).client_id.callback(settings_cog(bot), bad, "not-an-id")
    assert bad.last.ephemeral
    assert (await services.repo.get_guild_settings(GUILD_ID)).spotify_client_id == "f" * 32
