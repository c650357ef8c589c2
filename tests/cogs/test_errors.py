"""The one place exceptions become what a user reads (the delivery is driven over the wire in tests/discord/)."""

from __future__ import annotations

import logging

import pytest
from discord import app_commands
from discord.ext import commands

from bot.errors import CooldownActive
from cogs.errors import as_user_error


def test_unexpected_error_is_a_clear_sentence_and_the_log_has_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        error = as_user_error(RuntimeError("secret internals token=abc"))
    assert error.message("es") == "Algo falló por mi parte. Vuelve a intentarlo en un momento."
    assert "secret internals" in caplog.text


def test_wrapped_errors_are_unwrapped() -> None:
    command = app_commands.Command(name="x", description="x", callback=_noop)
    wrapped = app_commands.CommandInvokeError(command, CooldownActive(seconds=7.0))
    assert "7 s" in as_user_error(wrapped).message("en")


def test_not_owner_says_owner_only() -> None:
    assert "owner" in as_user_error(commands.NotOwner()).message("en")


async def _noop(interaction: object) -> None:
    return None
