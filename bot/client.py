"""The Discord client: loads the cogs, starts the OAuth callback server, closes every service on shutdown."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from cogs.common import BotState, CatalogTranslator

if TYPE_CHECKING:
    from bot.app import Services
    from bot.config import Settings

log = logging.getLogger(__name__)

COMMAND_TREE_HASH_KEY = "discord.command_tree_hash"

EXTENSIONS: tuple[str, ...] = (
    "cogs.errors",
    "cogs.playback",
    "cogs.panel",
    "cogs.recommend",
    "cogs.dj",
    "cogs.assistant",
    "cogs.account",
    "cogs.settings",
    "cogs.help",
)


def build_intents(message_content: bool) -> discord.Intents:
    """Only what the bot uses: guilds (channels, roles), guild messages (mentions) and DMs. No privileged
    intent unless configured: mentions and DMs carry their text without message content."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = message_content
    return intents


def bot_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments shared by the real bot and the offline command-tree builder."""
    # The bot never joins voice: skip discord.py's warnings about the optional voice libraries.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    options: dict[str, Any] = {
        "command_prefix": commands.when_mentioned,
        "intents": build_intents(settings.message_content_intent),
        "help_command": None,
        "allowed_mentions": discord.AllowedMentions(
            everyone=False, roles=False, users=True, replied_user=False
        ),
    }
    if settings.owner_ids:
        options["owner_ids"] = set(settings.owner_ids)
    if settings.shard_count is not None:
        options["shard_count"] = settings.shard_count
    if settings.shard_ids:
        options["shard_ids"] = list(settings.shard_ids)
    return options


async def load_extensions(bot: commands.Bot, names: tuple[str, ...] = EXTENSIONS) -> list[str]:
    """Load each cog; a failing one is logged and skipped. Returns the names that failed."""
    failed: list[str] = []
    for name in names:
        try:
            await bot.load_extension(name)
        except Exception:
            log.exception("could not load extension %s", name)
            failed.append(name)
    return failed


class SpotifyBot(commands.Bot):
    """The bot, wired to the services. With SHARD_COUNT/SHARD_IDS set, constructing it gives a
    ShardedSpotifyBot (an AutoShardedBot running those shards) instead."""

    def __new__(cls, services: Services, **kwargs: Any) -> SpotifyBot:
        settings = services.settings
        if cls is SpotifyBot and (settings.shard_count is not None or settings.shard_ids):
            cls = ShardedSpotifyBot
        return super().__new__(cls)

    def __init__(
        self,
        services: Services,
        *,
        sync_on_start: bool = True,
        force_sync: bool = False,
        start_web: bool = True,
    ) -> None:
        super().__init__(**bot_options(services.settings))
        self.services = services
        self.state = BotState(services)
        self.sync_on_start = sync_on_start or force_sync
        self.force_sync = force_sync
        self.start_web = start_web
        self.failed_extensions: list[str] = []
        self._web: Any = None
        self.web_base_url: str | None = None
        self._closed_services = False

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator())
        self.failed_extensions = await load_extensions(self)
        await self._start_web_server()
        if self.sync_on_start:
            await self.sync_commands_if_changed(force=self.force_sync)

    async def command_tree_hash(self) -> str:
        """A digest of exactly what `tree.sync()` would send for the global commands."""
        translator = self.tree.translator
        commands = self.tree.get_commands()
        if translator is not None:
            payload = [await command.get_translated_payload(self.tree, translator) for command in commands]
        else:
            payload = [command.to_dict(self.tree) for command in commands]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_commands_if_changed(self, *, force: bool = False) -> int | None:
        """Sync the global slash commands when the tree differs from the last synced one (its hash is kept in
        the database), so a plain deploy works and an unchanged restart costs no command creates.
        Returns how many were synced, or None when nothing was sent. Never raises."""
        repo = self.services.repo
        try:
            digest = await self.command_tree_hash()
            if not force and await repo.get_meta(COMMAND_TREE_HASH_KEY) == digest:
                log.info("slash commands unchanged since the last sync")
                return None
            synced = await self.tree.sync()
            await repo.set_meta(COMMAND_TREE_HASH_KEY, digest)
        except discord.HTTPException as exc:
            log.error("syncing slash commands failed: Discord answered %s (code %s)", exc.status, exc.code)
            return None
        except Exception:
            log.exception("syncing slash commands failed")
            return None
        log.info("synced %d slash commands", len(synced))
        return len(synced)

    async def _start_web_server(self) -> None:
        links = self.services.links
        if not self.start_web or links is None:
            return
        try:
            from bot.web import OAuthWebServer

            settings = self.services.settings
            self._web = OAuthWebServer(
                links, settings.web_host, settings.web_port, short_links=self.state.short_links
            )
            self.web_base_url = await self._web.start()
            self.state.web_base_url = self.web_base_url
        except Exception:
            log.exception("the OAuth callback server did not start; /spotify link url:<address> still works")
            self._web = None

    async def on_message(self, message: discord.Message) -> None:
        """Run prefix commands (`@bot sync`) only; other mentions are free text for the assistant cog,
        so they must not surface as CommandNotFound."""
        if message.author.bot:
            return
        ctx = await self.get_context(message)
        if ctx.valid:
            await self.invoke(ctx)

    async def on_ready(self) -> None:
        log.info(
            "connected as %s (%s) to %d guilds", self.user, getattr(self.user, "id", "?"), len(self.guilds)
        )

    async def close(self) -> None:
        self.state.expiry.cancel_all()
        try:
            await super().close()
        finally:
            await self._close_services()

    async def _close_services(self) -> None:
        if self._closed_services:
            return
        self._closed_services = True
        if self._web is not None:
            try:
                await self._web.stop()
            except Exception:
                log.exception("stopping the OAuth callback server failed")
        await self.services.aclose()


class ShardedSpotifyBot(SpotifyBot, commands.AutoShardedBot):
    """SpotifyBot on discord.py's AutoShardedBot: several shards over one process."""
