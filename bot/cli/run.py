"""`python -m bot run`: the Discord bot. A token Discord refuses, a refused intent or an unreachable Discord
end with one sentence saying what to do, not a traceback."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TextIO

import aiohttp
import discord

from bot.config import Settings
from bot.i18n import t

log = logging.getLogger(__name__)


def run_discord(settings: Settings, *, sync: bool, start_web: bool = True) -> int:
    if settings.discord_token is None:
        print(t("run.no_token", settings.default_language), file=sys.stderr)
        return 2
    if settings.shard_ids and (
        settings.shard_count is None or any(shard >= settings.shard_count for shard in settings.shard_ids)
    ):
        print(t("run.shard_count_needed", settings.default_language), file=sys.stderr)
        return 2
    try:
        return asyncio.run(run_bot(settings, sync=sync, start_web=start_web))
    except KeyboardInterrupt:
        return 0


async def run_bot(settings: Settings, *, sync: bool, start_web: bool, err: TextIO | None = None) -> int:
    """Build the services, log in and run until closed. Returns the exit code."""
    from bot.app import build_services, settle_heap
    from bot.client import SpotifyBot

    assert settings.discord_token is not None
    out = err or sys.stderr
    lang = settings.default_language
    services = await build_services(settings)
    settle_heap()
    if settings.shard_ids:
        log.info("running shards %s of %s", settings.shard_ids, settings.shard_count)
    bot = SpotifyBot(services, force_sync=sync, start_web=start_web)
    try:
        async with bot:
            await bot.start(settings.discord_token.get_secret_value())
    except discord.LoginFailure:
        log.error("Discord refused the bot token")
        print(t("run.token_refused", lang), file=out)
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error("Discord refused a privileged intent")
        print(t("run.intents_refused", lang), file=out)
        return 1
    except (
        aiohttp.ClientError,
        OSError,
        TimeoutError,
        discord.GatewayNotFound,
        discord.ConnectionClosed,
    ) as exc:
        reason = type(exc).__name__ if not isinstance(exc, discord.ConnectionClosed) else f"code {exc.code}"
        log.error("could not reach Discord: %s", reason)
        print(t("run.unreachable", lang, reason=reason), file=out)
        return 1
    except discord.HTTPException as exc:
        log.error("Discord answered %s (code %s) at start-up", exc.status, exc.code)
        print(t("run.unreachable", lang, reason=f"HTTP {exc.status}"), file=out)
        return 1
    return 0
