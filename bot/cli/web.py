"""`python -m bot web`: the OAuth callback (and health check) alone, for a deployment of several processes.

Any process can complete a link because the pending OAuth state is in the shared database; bot workers then
run with `--no-web` (implied by `--shards`) so only this process binds WEB_PORT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from bot.config import Settings
from bot.i18n import t

log = logging.getLogger(__name__)


async def run_web(settings: Settings, *, ready: asyncio.Event | None = None) -> int:
    from bot.shortlinks import ShortLinks
    from bot.spotify.oauth import LinkService
    from bot.storage.factory import open_repository
    from bot.web import OAuthWebServer

    repo = await open_repository(settings)
    links = LinkService(repo, settings)
    server = OAuthWebServer(links, settings.web_host, settings.web_port, ShortLinks(repo))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread, or Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        try:
            base = await server.start()
        except OSError as exc:  # the port is taken (another web process?) or not allowed
            log.error("the web role cannot listen on %s:%s: %s", settings.web_host, settings.web_port, exc)
            print(
                t(
                    "web.cannot_listen",
                    settings.default_language,
                    host=settings.web_host,
                    port=settings.web_port,
                    detail=exc.strerror or type(exc).__name__,
                ),
                file=sys.stderr,
            )
            return 1
        log.info("web role serving %s/callback", base)
        print(f"web: listening on {base}", flush=True)
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        await server.stop()
        await links.aclose()
        await repo.close()
    return 0
