"""/settings dj-role|language|controller|client-id (Manage Server) and the owner-only `sync` command."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError
from bot.i18n import t
from bot.nlu.plan import Context
from bot.permissions import can_configure
from bot.shown import shown
from cogs.account import require_links
from cogs.common import Gate, L, reply_to, send, services_of
from cogs.consent import ConsentButton, consent_of, consent_view
from cogs.render import OK_COLOUR

log = logging.getLogger(__name__)


def require_manage_guild(interaction: discord.Interaction) -> None:
    """Checked in code too: Discord's default permissions can be overridden by server admins."""
    perms = interaction.permissions
    if not can_configure(perms.manage_guild, perms.administrator):
        raise UserFacingError("ui.settings.need_manage")


class Settings(commands.Cog):
    settings = app_commands.Group(
        name="settings",
        description=L("ui.cmd.settings"),
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ConsentButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ConsentButton)

    async def _begin(self, gate: Gate, interaction: discord.Interaction) -> Context:
        ctx = await gate.begin(ephemeral=True, defer=False)
        if ctx.guild_id is None:
            from bot.errors import GuildOnly

            raise GuildOnly()
        require_manage_guild(interaction)
        return ctx

    async def _done(self, interaction: discord.Interaction, message: str) -> None:
        await send(interaction, embed=discord.Embed(description=message, colour=OK_COLOUR), ephemeral=True)

    @settings.command(name="dj-role", description=L("ui.cmd.settings.dj-role"))
    @app_commands.rename(role=L("ui.opt.role"))
    @app_commands.describe(role=L("ui.optdesc.role"))
    async def dj_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        async with Gate(interaction) as gate:
            ctx = await self._begin(gate, interaction)
            assert ctx.guild_id is not None
            await services_of(self.bot).repo.update_guild_settings(
                ctx.guild_id, dj_role_id=role.id if role else None
            )
            if role is None:
                await self._done(interaction, t("ui.settings.dj_role_cleared", ctx.locale))
            else:
                await self._done(interaction, t("ui.settings.dj_role_set", ctx.locale, role=role.mention))

    @settings.command(name="language", description=L("ui.cmd.settings.language"))
    @app_commands.rename(language=L("ui.opt.language"))
    @app_commands.describe(language=L("ui.optdesc.language"))
    @app_commands.choices(
        language=[
            app_commands.Choice(name=L("ui.choice.lang.auto"), value="auto"),
            app_commands.Choice(name=L("ui.choice.lang.en"), value="en"),
            app_commands.Choice(name=L("ui.choice.lang.es"), value="es"),
        ]
    )
    async def language(self, interaction: discord.Interaction, language: str) -> None:
        async with Gate(interaction) as gate:
            ctx = await self._begin(gate, interaction)
            assert ctx.guild_id is not None
            chosen = language if language in {"en", "es"} else None
            await services_of(self.bot).repo.update_guild_settings(ctx.guild_id, language=chosen)
            if chosen is None:
                await self._done(interaction, t("ui.settings.language_auto", ctx.locale))
            else:
                await self._done(interaction, t("ui.settings.language_set", chosen))

    @settings.command(name="controller", description=L("ui.cmd.settings.controller"))
    @app_commands.rename(user=L("ui.opt.user"))
    @app_commands.describe(user=L("ui.optdesc.user"))
    async def controller(self, interaction: discord.Interaction, user: discord.User | None = None) -> None:
        """Clear the controller, take it oneself, or ask the member by DM: nobody's account plays without consent."""
        async with Gate(interaction) as gate:
            ctx = await self._begin(gate, interaction)
            assert ctx.guild_id is not None
            services = services_of(self.bot)
            consent = consent_of(self.bot)
            if user is None:
                await services.repo.update_guild_settings(ctx.guild_id, controller_user_id=None)
                await self._done(interaction, t("ui.settings.controller_cleared", ctx.locale))
                return
            if user.bot:
                raise UserFacingError("consent.not_a_person")
            current = (await services.repo.get_guild_settings(ctx.guild_id)).controller_user_id
            if current == user.id:
                await self._done(interaction, t("consent.already", ctx.locale, user=user.mention))
                return
            if user.id == ctx.user_id:
                await consent.set_own(ctx.guild_id, user.id)
                await self._done(interaction, t("ui.settings.controller_set", ctx.locale, user=user.mention))
                return
            request = await consent.request(ctx.guild_id, user.id, ctx.user_id)
            account = await services.repo.get_account(user.id)
            lang = ctx.locale
            text = t(
                "consent.request",
                lang,
                admin=shown(interaction.user.display_name),
                guild=shown(interaction.guild.name if interaction.guild else "?"),
                name=shown(account.display_name if account else "?"),
            )
            try:
                await user.send(
                    embed=discord.Embed(description=text, colour=OK_COLOUR), view=consent_view(request, lang)
                )
            except discord.HTTPException:
                log.info("could not DM user %s to ask for consent in guild %s", user.id, ctx.guild_id)
                await self._done(interaction, t("consent.dm_closed", ctx.locale, user=user.mention))
                return
            await self._done(interaction, t("consent.asked", ctx.locale, user=user.mention))

    @settings.command(name="client-id", description=L("ui.cmd.settings.client-id"))
    @app_commands.rename(client_id=L("ui.opt.client-id"))
    @app_commands.describe(client_id=L("ui.optdesc.client-id"))
    async def client_id(self, interaction: discord.Interaction, client_id: str | None = None) -> None:
        async with Gate(interaction) as gate:
            ctx = await self._begin(gate, interaction)
            assert ctx.guild_id is not None
            redirect_uri = await require_links(self.bot).set_guild_client_id(ctx.guild_id, client_id)
            if client_id:
                await self._done(
                    interaction, t("ui.settings.client_id_set", ctx.locale, redirect_uri=redirect_uri)
                )
            else:
                await self._done(interaction, t("ui.settings.client_id_cleared", ctx.locale))

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[commands.Bot], scope: str | None = None) -> None:
        """`@bot sync`: sync the global commands now (start-up already does when they changed).
        `@bot sync here`: remove this server's own copies of the commands (older builds made them, so each
        command showed twice). Owner only."""
        lang = services_of(self.bot).settings.default_language
        if scope == "here" and ctx.guild is not None:
            self.bot.tree.clear_commands(guild=ctx.guild)
            await self.bot.tree.sync(guild=ctx.guild)
            log.info("cleared the guild copies of the slash commands in guild %s", ctx.guild.id)
            message = t("ui.sync.cleared_here", lang)
        else:
            sync_now = getattr(self.bot, "sync_commands_if_changed", None)
            count = await sync_now(force=True) if sync_now is not None else len(await self.bot.tree.sync())
            message = (
                t("ui.sync.done", lang, count=count) if count is not None else t("error.unexpected", lang)
            )
        await reply_to(ctx.message, embed=discord.Embed(description=message, colour=OK_COLOUR))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Settings(bot))
