"""`python -m bot run`: the Discord bot."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.config import Settings
from bot.i18n import t

log = logging.getLogger(__name__)


def run_discord(settings: Settings, *, sync: bool, start_web: bool = True) -> int:
    if settings.discord_token is None:
        print(t("run.no_token", settings.default_language), file=sys.stderr)
        return 2
    return asyncio.run(_run(settings, sync=sync, start_web=start_web))


async def _run(settings: Settings, *, sync: bool, start_web: bool) -> int:
    from bot.app import build_services
    from bot.client import SpotifyBot

    assert settings.discord_token is not None
    services = await build_services(settings)
    if settings.shard_ids:
        log.info("running shards %s of %s", settings.shard_ids, settings.shard_count)
    bot = SpotifyBot(services, sync_on_start=sync, start_web=start_web)
    try:
        async with bot:
            await bot.start(settings.discord_token.get_secret_value())
    except KeyboardInterrupt:
        pass
    return 0
