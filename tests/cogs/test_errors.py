from __future__ import annotations

import logging
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.client import SpotifyBot
from bot.errors import CooldownActive
from cogs.errors import report_interaction_error


async def test_unexpected_error_is_a_clear_sentence_and_the_log_has_the_rest(
    bot: SpotifyBot, interaction: Any, caplog: pytest.LogCaptureFixture
) -> None:
    inter = interaction(locale=discord.Locale.spain_spanish)
    with caplog.at_level(logging.ERROR):
        await report_interaction_error(inter, RuntimeError("secret internals token=abc"), "es")
    assert inter.last.ephemeral
    assert inter.last.text == "Algo falló por mi parte. Vuelve a intentarlo en un momento."
    assert "secret internals" in caplog.text


async def test_tree_error_handler_unwraps_and_answers_ephemerally(bot: SpotifyBot, interaction: Any) -> None:
    inter = interaction()
    command = bot.tree.get_command("help")
    assert isinstance(command, app_commands.Command)
    error = app_commands.CommandInvokeError(command, CooldownActive(seconds=7.0))
    await bot.tree.on_error(inter, error)
    assert inter.last.ephemeral and "7 s" in inter.last.text


async def test_after_a_public_defer_the_error_stays_private(bot: SpotifyBot, interaction: Any) -> None:
    inter = interaction()
    await inter.response.defer(thinking=True)
    await report_interaction_error(inter, CooldownActive(seconds=3.0), "en")
    assert inter.deleted_original and inter.last.via == "followup" and inter.last.ephemeral


async def test_help_in_spanish(bot: SpotifyBot, interaction: Any) -> None:
    help_cog: Any = bot.get_cog("Help")
    inter = interaction(guild_id=None, locale=discord.Locale.latin_american_spanish)
    await help_cog.help.callback(help_cog, inter)
    assert inter.last.ephemeral and "Háblame" in inter.last.text
