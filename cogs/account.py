"""/spotify link|unlink|status: connect a Discord user to their Spotify account."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError
from bot.i18n import t
from bot.shortlinks import LINK_BUTTON_URL_LIMIT, short_url
from bot.shown import shown, shown_params
from bot.spotify.oauth import STATE_TTL_S
from cogs.common import ANY_INSTALL, PERSONAL_CONTEXTS, Gate, L, send, services_of, state_of
from cogs.consent import StopSharingButton, stop_sharing_view
from cogs.render import OK_COLOUR

if TYPE_CHECKING:
    from bot.spotify.oauth import LinkResult, LinkService

log = logging.getLogger(__name__)


def link_view(url: str, lang: str) -> discord.ui.View:
    """A single link button (to our short link, which redirects to Spotify's authorize page)."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label=t("ui.link.button", lang), url=url, emoji="🎧"))
    return view


def link_embed(lang: str) -> discord.Embed:
    return discord.Embed(description=t("ui.link.instructions", lang), colour=OK_COLOUR)


async def button_url(bot: discord.Client, authorize_url: str) -> str | None:
    """A URL short enough for a link button: `{PUBLIC_BASE_URL or our web server}/link/<id>`, or the authorize URL
    itself when no web server is reachable and it fits. None when neither fits (the URL goes in the text)."""
    state = state_of(bot)
    base = state.services.settings.public_base_url or state.web_base_url
    if base:
        try:
            link_id = await state.short_links.create(authorize_url, STATE_TTL_S)
            return short_url(base, link_id)
        except Exception:
            log.exception("could not store a short link; trying the long URL")
    return authorize_url if len(authorize_url) <= LINK_BUTTON_URL_LIMIT else None


async def links_button_url(bot: discord.Client, user_id: int, guild_id: int | None, lang: str) -> str | None:
    """Start a link and return its button URL (None when it cannot be a button)."""
    authorize_url = await require_links(bot).start_link(user_id, guild_id, lang)
    return await button_url(bot, authorize_url)


async def link_prompt(
    bot: discord.Client, user_id: int, guild_id: int | None, lang: str
) -> tuple[discord.Embed, discord.ui.View | None]:
    """The "link your Spotify account" message: instructions and a button (or a plain link when too long)."""
    authorize_url = await require_links(bot).start_link(user_id, guild_id, lang)
    embed = link_embed(lang)
    url = await button_url(bot, authorize_url)
    if url is None:
        embed.description = f"{embed.description}\n\n{authorize_url}"[:4096]
        return embed, None
    return embed, link_view(url, lang)


def require_links(bot: discord.Client) -> LinkService:
    links = services_of(bot).links
    if links is None:
        raise UserFacingError("ui.link.unavailable")
    return links


class Account(commands.Cog):
    spotify = app_commands.Group(
        name="spotify",
        description=L("ui.cmd.spotify"),
        allowed_contexts=PERSONAL_CONTEXTS,
        allowed_installs=ANY_INSTALL,
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._active = False

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(StopSharingButton)
        self._active = True
        state = getattr(self.bot, "state", None)
        links = state.services.links if state is not None else None
        if links is not None:
            links.add_link_listener(self._on_link_completed)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(StopSharingButton)
        self._active = False

    async def _on_link_completed(self, result: LinkResult) -> None:
        """A link finished through the web callback: tell the user in a DM."""
        if not self._active or result.user_id is None:
            return
        try:
            user = self.bot.get_user(result.user_id) or await self.bot.fetch_user(result.user_id)
            message = t(result.key, result.lang, **shown_params(result.params))
            embed = discord.Embed(description=message, colour=OK_COLOUR)
            if result.became_controller and result.guild_id is not None:  # tell them, and how to stop
                await user.send(embed=embed, view=stop_sharing_view(result.guild_id, result.lang))
            else:
                await user.send(embed=embed)
        except discord.HTTPException:
            log.info("could not DM user %s about their Spotify link", result.user_id)

    @spotify.command(name="link", description=L("ui.cmd.spotify.link"))
    @app_commands.rename(url=L("ui.opt.url"))
    @app_commands.describe(url=L("ui.optdesc.url"))
    async def link(self, interaction: discord.Interaction, url: str | None = None) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin(ephemeral=True)
            links = require_links(self.bot)
            if url:
                result = await links.complete_from_url(url.strip()[:4000], ctx.user_id, lang=ctx.locale)
                colour = OK_COLOUR if result.ok else discord.Colour.red()
                message = t(result.key, ctx.locale, **shown_params(result.params))
                embed = discord.Embed(description=message, colour=colour)
                if result.became_controller and result.guild_id is not None:
                    view = stop_sharing_view(result.guild_id, ctx.locale)
                    await send(interaction, embed=embed, view=view, ephemeral=True)
                else:
                    await send(interaction, embed=embed, ephemeral=True)
                return
            prompt, button = await link_prompt(self.bot, ctx.user_id, ctx.guild_id, ctx.locale)
            await send(interaction, embed=prompt, view=button, ephemeral=True)

    @spotify.command(name="unlink", description=L("ui.cmd.spotify.unlink"))
    async def unlink(self, interaction: discord.Interaction) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin(ephemeral=True)
            removed = await require_links(self.bot).unlink(ctx.user_id)
            key = "ui.unlink.done" if removed else "ui.unlink.none"
            await send(
                interaction,
                embed=discord.Embed(description=t(key, ctx.locale), colour=OK_COLOUR),
                ephemeral=True,
            )

    @spotify.command(name="status", description=L("ui.cmd.spotify.status"))
    async def status(self, interaction: discord.Interaction) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin(ephemeral=True)
            account = await require_links(self.bot).status(ctx.user_id)
            if account is None:
                message = t("ui.link.none", ctx.locale)
            elif account.needs_relink:
                message = t(
                    "ui.link.status_relink",
                    ctx.locale,
                    name=shown(account.display_name),
                )
            else:
                message = t("ui.link.status", ctx.locale, name=shown(account.display_name))
            await send(
                interaction, embed=discord.Embed(description=message, colour=OK_COLOUR), ephemeral=True
            )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Account(bot))
