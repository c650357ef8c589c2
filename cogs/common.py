"""What every cog shares: the Context built from a Discord event, the gate every command passes
(cooldown, permission, defer), localised command strings and small caches. Not an extension."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.cooldown import Cooldown
from bot.errors import NotAllowed, UserFacingError
from bot.i18n import CATALOG, normalise_lang, t
from bot.nlu.plan import Context, Lang
from bot.permissions import can_control
from bot.shortlinks import ShortLinks
from bot.spotify.autocomplete import AutocompleteLimiter
from bot.spotify.consent import ControllerConsent
from bot.spotify.outcome import Outcome
from cogs.expiring import Expiry

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

SPANISH_LOCALES = frozenset({discord.Locale.spain_spanish, discord.Locale.latin_american_spanish})

V = TypeVar("V")


def L(key: str) -> app_commands.locale_str:
    """A command string: English text from the catalog, with its key for the Translator."""
    return app_commands.locale_str(CATALOG[key]["en"], key=key)


class CatalogTranslator(app_commands.Translator):
    """Gives Discord the Spanish (es-ES, es-419) command descriptions, option names and choices."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale not in SPANISH_LOCALES:
            return None
        key = string.extras.get("key")
        entry = CATALOG.get(key) if isinstance(key, str) else None
        return entry.get("es") if entry else None


class BotState:
    """Discord-surface state shared by the cogs, kept on the bot as `bot.state`."""

    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        self.cooldown = Cooldown(settings.cooldown_commands, settings.cooldown_seconds)
        self.search_cache: TTLCache[list[app_commands.Choice[str]]] = TTLCache(ttl=30.0, max_items=512)
        self.short_links = ShortLinks(services.repo)
        self.expiry = Expiry()
        self.recommendations: TTLCache[tuple[list[str], str]] = TTLCache(
            ttl=settings.recommend_buttons_ttl_s, max_items=2048
        )
        self.web_base_url: str | None = None  # the bot's own OAuth web server, once started
        self.autocomplete = AutocompleteLimiter()
        self.consent = ControllerConsent(services.repo)


def state_of(bot: discord.Client) -> BotState:
    state = getattr(bot, "state", None)
    if not isinstance(state, BotState):
        raise RuntimeError("the bot has no services attached (construct SpotifyBot with Services)")
    return state


class TTLCache(Generic[V]):
    """A small time-bounded LRU cache (autocomplete results)."""

    def __init__(self, ttl: float, max_items: int, clock: Any = time.monotonic) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._clock = clock
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= self._clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._items[key] = (self._clock() + self.ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)


def interaction_lang(interaction: discord.Interaction) -> Lang:
    """The user's Discord language (before guild settings are known)."""
    locale = getattr(interaction, "locale", None)
    return "es" if normalise_lang(getattr(locale, "value", None)) == "es" else "en"


def payload_role_ids(user: discord.abc.User) -> list[int]:
    """The member's role ids as Discord sent them with the event. `Member.roles` resolves them through the
    guild cache, which is empty for a guild the bot has not cached (only `applications.commands`, unavailable,
    start-up), and would refuse a real DJ."""
    ids = getattr(user, "_roles", None)  # discord.py keeps the payload's ids here (SnowflakeList)
    if ids is not None:
        return [int(role_id) for role_id in ids]
    return [role.id for role in getattr(user, "roles", [])]


async def interaction_context(bot: discord.Client, interaction: discord.Interaction) -> Context:
    """Context for a slash command or a button: guild settings decide the language and DJ control."""
    state = state_of(bot)
    user_lang = interaction_lang(interaction)
    guild_id = interaction.guild_id
    if guild_id is None or not interaction.is_guild_integration():
        # A DM, a group DM, or a server where only the user installed the app: their own account.
        return Context(
            user_id=interaction.user.id,
            channel_id=interaction.channel_id,
            locale=user_lang,
            is_dm=True,
            can_control=True,
        )
    settings = await state.services.repo.get_guild_settings(guild_id)
    role_ids = payload_role_ids(interaction.user)
    permissions = interaction.permissions
    control = can_control(
        settings.dj_role_id, role_ids, permissions.manage_guild or permissions.administrator
    )
    lang: Lang = "es" if settings.language == "es" else "en" if settings.language == "en" else user_lang
    return Context(
        user_id=interaction.user.id,
        guild_id=guild_id,
        channel_id=interaction.channel_id,
        locale=lang,
        is_dm=False,
        can_control=control,
    )


async def message_context(bot: discord.Client, message: discord.Message) -> Context:
    """Context for a mention or a DM (the parser may still switch language to the text's)."""
    state = state_of(bot)
    default: Lang = state.services.settings.default_language
    if message.guild is None:
        return Context(user_id=message.author.id, channel_id=message.channel.id, locale=default, is_dm=True)
    settings = await state.services.repo.get_guild_settings(message.guild.id)
    author = message.author
    role_ids = payload_role_ids(author)
    manage = False
    if isinstance(author, discord.Member):
        perms = author.guild_permissions
        manage = perms.manage_guild or perms.administrator
    lang: Lang = "es" if settings.language == "es" else "en" if settings.language == "en" else default
    return Context(
        user_id=author.id,
        guild_id=message.guild.id,
        channel_id=message.channel.id,
        locale=lang,
        is_dm=False,
        can_control=can_control(settings.dj_role_id, role_ids, manage),
        lang_locked=settings.language in ("en", "es"),
    )


async def send(
    interaction: discord.Interaction,
    *,
    content: str | None = None,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> None:
    """Answer an interaction whether or not it was deferred."""
    from cogs.render import fit_embed

    kwargs: dict[str, Any] = {"ephemeral": ephemeral}
    if content is not None:
        kwargs["content"] = content[:2000]
    if embed is not None:
        kwargs["embed"] = fit_embed(embed)
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def reply_to(
    message: discord.Message, *, embed: discord.Embed, view: discord.ui.View | None = None
) -> discord.Message | None:
    """Answer a mention or DM: a reply; else (no Read Message History, message deleted) a plain message in the
    channel; else (no Embed Links) the text alone; else log it. Returns what was sent. Never raises."""
    from cogs.render import fit_embed

    kwargs: dict[str, Any] = {"embed": fit_embed(embed)}
    if view is not None:
        kwargs["view"] = view
    channel = message.channel
    try:
        return await message.reply(mention_author=False, **kwargs)
    except discord.HTTPException as exc:
        log.info(
            "reply in channel %s failed (%s, code %s); sending a plain message",
            channel.id,
            exc.status,
            exc.code,
        )
    try:
        return await channel.send(**kwargs)
    except discord.HTTPException as exc:
        log.info(
            "message in channel %s failed (%s, code %s); sending text only", channel.id, exc.status, exc.code
        )
    text_only = "\n".join(part for part in (embed.title, embed.description) if part)[:2000]
    try:
        return (
            await channel.send(content=text_only or "…", view=view) if view else await channel.send(text_only)
        )
    except discord.HTTPException as exc:
        log.warning(
            "could not answer message %s from user %s in channel %s: %s (code %s)",
            message.id,
            message.author.id,
            channel.id,
            exc.status,
            exc.code,
        )
    return None


class Gate:
    """Every command body runs inside `async with Gate(interaction) as gate:` and starts with
    `ctx = await gate.begin(...)` (context, cooldown, permission, defer). Any error raised inside is
    reported to the user (ephemeral, localised) and logged by `cogs.errors.report_interaction_error`."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self.interaction = interaction
        self.lang: Lang = interaction_lang(interaction)

    async def begin(self, *, control: bool = False, ephemeral: bool = False, defer: bool = True) -> Context:
        interaction = self.interaction
        ctx = await interaction_context(interaction.client, interaction)
        self.lang = ctx.locale
        state_of(interaction.client).cooldown.hit(interaction.user.id)
        if control and not ctx.can_control:
            raise NotAllowed()
        if defer and not interaction.response.is_done():
            if interaction.type == discord.InteractionType.component:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return ctx

    async def __aenter__(self) -> Gate:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> bool:
        if exc is None or not isinstance(exc, Exception):
            return False
        from cogs.errors import report_interaction_error

        await report_interaction_error(self.interaction, exc, self.lang)
        return True


def text(key: str, lang: str, /, **params: object) -> str:
    """Shorthand for t() used by the cogs."""
    return t(key, lang, **params)


def services_of(bot: commands.Bot | discord.Client) -> Services:
    return state_of(bot).services


async def send_outcome(
    interaction: discord.Interaction,
    outcome: Outcome,
    lang: Lang,
    *,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> None:
    """Show a successful outcome as an embed; a failed one as the ephemeral error sentence."""
    from cogs.errors import report_interaction_error
    from cogs.render import outcomes_embed

    if not outcome.ok:
        await report_interaction_error(
            interaction, outcome.error or UserFacingError(outcome.key, **outcome.params), lang
        )
        return
    await send(interaction, embed=outcomes_embed([outcome], lang), view=view, ephemeral=ephemeral)


# Where the personal commands are offered: servers, the bot's DM and (user install) group DMs; installable by
# a server and by a user. /settings narrows both to servers.
PERSONAL_CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
ANY_INSTALL = app_commands.AppInstallationType(guild=True, user=True)


def personal(command: Any) -> Any:
    """Offer a command in every context and to both kinds of install."""
    command = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)
    return app_commands.allowed_installs(guilds=True, users=True)(command)
