"""`python -m bot chat`: the same pipeline as Discord (parser -> session -> outcome), rendered as text.

Without a linked account it runs the fake Spotify server in-process as a clearly labelled demo player.
It reads stdin line by line, so it works in scripts: `printf 'play daft punk\\nvolume 30\\n' | python -m bot chat`.
"""

from __future__ import annotations

import asyncio
import logging
import webbrowser
from typing import TextIO

from bot.app import Services, build_services
from bot.config import Settings
from bot.i18n import t
from bot.nlu.plan import Context
from bot.render import outcome_text

log = logging.getLogger(__name__)

CHAT_USER_ID = 1  # the terminal's single user; sessions act on "user:1"
LINK_WAIT_S = 300.0


async def run_chat(settings: Settings, inp: TextIO, out: TextIO, *, use_spotify: bool = False) -> int:
    lang = settings.default_language
    services = await (_real_services(settings, inp, out) if use_spotify else _demo_services(settings))
    if services is None:
        return 1
    try:
        print(t("chat.banner", lang), file=out)
        if services.demo is not None:
            print(t("chat.demo_player", lang), file=out)
        if not settings.has_llm:
            print(t("llm.local_only", lang), file=out)
        out.flush()
        await chat_loop(services, inp, out)
    finally:
        await services.aclose()
    return 0


async def chat_loop(services: Services, inp: TextIO, out: TextIO) -> None:
    """One reply block per input line, until end of input."""
    ctx = Context(user_id=CHAT_USER_ID, locale=services.settings.default_language, is_dm=True)
    while True:
        line = await asyncio.to_thread(inp.readline)
        if not line:
            break
        if not line.strip():
            continue
        response = await services.assistant.handle_text(line, ctx)
        for outcome in response.outcomes:
            print(outcome_text(outcome, response.lang).replace("**", ""), file=out)
        out.flush()


async def _demo_services(settings: Settings) -> Services:
    from bot.demo.spotify_server import start_demo

    fake = await start_demo()
    return await build_services(settings, demo=fake, demo_token=fake.demo_token)


async def _real_services(settings: Settings, inp: TextIO, out: TextIO) -> Services | None:
    """Link (or reuse) a real Spotify account for the terminal user through the browser on 127.0.0.1."""
    from bot.web import OAuthWebServer

    lang = settings.default_language
    if not settings.spotify_client_id:
        print(t("chat.need_client_id", lang), file=out)
        return None
    services = await build_services(settings)
    assert services.links is not None
    if await services.links.status(CHAT_USER_ID) is not None:
        return services
    web = OAuthWebServer(services.links, settings.web_host, settings.web_port)
    await web.start()
    try:
        url = await services.links.start_link(CHAT_USER_ID, None, lang)
        print(t("chat.open_url", lang, url=url), file=out)
        out.flush()
        webbrowser.open(url)
        if not await _wait_for_link(services, inp):
            print(t("chat.link_failed", lang), file=out)
            await services.aclose()
            return None
    finally:
        await web.stop()
    return services


async def _wait_for_link(services: Services, inp: TextIO) -> bool:
    """Linked through the callback, or the user pasted the redirected URL."""
    assert services.links is not None
    links = services.links
    paste = asyncio.create_task(asyncio.to_thread(inp.readline))
    deadline = asyncio.get_running_loop().time() + LINK_WAIT_S
    try:
        while asyncio.get_running_loop().time() < deadline:
            if await links.status(CHAT_USER_ID) is not None:
                return True
            if paste.done():
                pasted = paste.result().strip()
                if not pasted:
                    return False
                result = await links.complete_from_url(pasted, CHAT_USER_ID)
                return result.ok
            await asyncio.sleep(0.5)
        return False
    finally:
        paste.cancel()
