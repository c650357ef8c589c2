"""The one place where exceptions become what a user reads, for slash commands, prefix commands,
mentions and buttons. Order: unwrap discord.py wrappers -> UserFacingError (its own message) ->
known discord.py check failures -> anything else ("something went wrong", full error in the log)."""

from __future__ import annotations

import contextlib
import logging

import discord
from discord import app_commands
from discord.ext import commands
from pydantic import ValidationError

from bot.errors import CooldownActive, NotAllowed, UserFacingError
from bot.nlu.plan import Lang
from cogs.render import message_of

log = logging.getLogger(__name__)


def unwrap(error: BaseException) -> BaseException:
    """The exception a command really raised, without discord.py's wrappers."""
    while isinstance(
        error, (app_commands.CommandInvokeError, commands.CommandInvokeError, commands.HybridCommandError)
    ):
        inner = error.original
        if inner is error:
            break
        error = inner
    return error


def as_user_error(error: BaseException) -> UserFacingError:
    """Map any exception to a UserFacingError (logging the ones that are bugs)."""
    error = unwrap(error)
    if isinstance(error, UserFacingError):
        return error
    if isinstance(error, app_commands.CommandOnCooldown):
        return CooldownActive(seconds=error.retry_after)
    if isinstance(error, commands.CommandOnCooldown):
        return CooldownActive(seconds=error.retry_after)
    if isinstance(error, (app_commands.MissingPermissions, app_commands.MissingRole)):
        return NotAllowed()
    if isinstance(error, commands.NotOwner):
        return UserFacingError("ui.sync.owner_only")  # `sync` is the only owner command
    if isinstance(error, (commands.MissingPermissions, commands.CheckFailure)):
        return NotAllowed()
    if isinstance(error, app_commands.CheckFailure):
        return NotAllowed()
    if isinstance(error, (app_commands.TransformerError, ValidationError)):
        return UserFacingError("error.not_understood")
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    return UserFacingError()


def error_embed(message: str) -> discord.Embed:
    return discord.Embed(description=message[:4096], colour=discord.Colour.red())


async def report_interaction_error(
    interaction: discord.Interaction, error: BaseException, lang: Lang
) -> None:
    """Tell the user, ephemerally, in their language. Never raises."""
    user_error = as_user_error(error)
    log.info("interaction error for user %s: %s", interaction.user.id, user_error.key)
    embed = error_embed(message_of(user_error, lang))
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        if interaction.type == discord.InteractionType.application_command:
            # A deferred "thinking" reply would show the error publicly: drop it, then answer privately.
            with contextlib.suppress(discord.HTTPException):
                await interaction.delete_original_response()
        await interaction.followup.send(embed=embed, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error message to user %s", interaction.user.id, exc_info=True)


async def report_message_error(message: discord.Message, error: BaseException, lang: Lang) -> None:
    """Reply to a mention or DM with the error sentence. Never raises."""
    from cogs.common import reply_to

    user_error = as_user_error(error)
    await reply_to(message, embed=error_embed(message_of(user_error, lang)))


class Errors(commands.Cog):
    """Installs the handlers for slash-command and prefix-command errors."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous_tree_handler = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous_tree_handler  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        from cogs.common import interaction_lang

        await report_interaction_error(interaction, error, interaction_lang(interaction))

    @commands.Cog.listener()
    async def on_command_error(
        self, ctx: commands.Context[commands.Bot], error: commands.CommandError
    ) -> None:
        if isinstance(error, commands.CommandNotFound):
            return  # a mention that is not a prefix command: the assistant cog answers it
        from cogs.common import services_of

        await report_message_error(ctx.message, error, services_of(self.bot).settings.default_language)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Errors(bot))
