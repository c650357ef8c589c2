"""`python -m bot chat`: the same pipeline as Discord (parser -> session -> outcome), rendered as text.

Without a linked account it runs the fake Spotify server in-process as a clearly labelled demo player.
It reads stdin line by line, so it works in scripts: `printf 'play daft punk\\nvolume 30\\n' | python -m bot chat`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import webbrowser
from typing import TextIO

from bot.app import Services, build_services
from bot.assistant import Offer, Response
from bot.config import Settings
from bot.i18n import t
from bot.nlu.plan import Context, Lang
from bot.nlu.smalltalk import match_confirmation
from bot.nlu.text import normalise_text
from bot.render import outcome_text

log = logging.getLogger(__name__)

CHAT_USER_ID = 1  # the terminal's single user; sessions act on "user:1"
LINK_WAIT_S = 300.0


def _resolve(future: asyncio.Future[str], line: str) -> None:
    if not future.done():
        future.set_result(line)


class LineReader:
    """Reads stdin lines on a daemon thread, one at a time; a line read while waiting is kept, not lost."""

    def __init__(self, inp: TextIO) -> None:
        self._inp = inp
        self._pending: asyncio.Future[str] | None = None

    def pending(self) -> asyncio.Future[str]:
        """The next line, as a future (started on first call)."""
        if self._pending is None:
            loop = asyncio.get_running_loop()
            future: asyncio.Future[str] = loop.create_future()

            def read() -> None:
                try:
                    line = self._inp.readline()
                except (OSError, ValueError):
                    line = ""
                loop.call_soon_threadsafe(_resolve, future, line)

            threading.Thread(target=read, name="chat-stdin", daemon=True).start()
            self._pending = future
        return self._pending

    async def readline(self) -> str:
        """The next line; '' at end of input."""
        line = await self.pending()
        self._pending = None
        return line


async def run_chat(settings: Settings, inp: TextIO, out: TextIO, *, use_spotify: bool = False) -> int:
    lang = settings.default_language
    reader = LineReader(inp)
    services = await (_real_services(settings, reader, out) if use_spotify else _demo_services(settings))
    if services is None:
        return 1
    try:
        print(t("chat.banner", lang), file=out)
        if services.demo is not None:
            print(t("chat.demo_player", lang), file=out)
        if not settings.has_llm:
            print(t("llm.local_only", lang), file=out)
        out.flush()
        await chat_loop(services, reader, out)
    finally:
        await services.aclose()
    return 0


async def chat_loop(services: Services, reader: LineReader, out: TextIO) -> None:
    """One reply block per input line, until end of input. An offer ("create the playlist?") waits for a yes
    or a no on the next line; any other line is taken as a new request and the offer lapses."""
    ctx = Context(user_id=CHAT_USER_ID, locale=services.settings.default_language, is_dm=True)
    offer: Offer | None = None
    offer_lang: Lang = ctx.locale
    while True:
        line = await reader.readline()
        if not line:
            break
        if not line.strip():
            continue
        pending, offer = offer, None
        if pending is not None:
            answer = match_confirmation(normalise_text(line))
            if answer is True:
                print_response(await services.assistant.accept_offer(pending, ctx), out)
                continue
            if answer is False:
                print(t("assistant.offer.declined", offer_lang), file=out)
                out.flush()
                continue
        response = await services.assistant.handle_text(line, ctx)
        print_response(response, out)
        if response.offer is not None:
            offer, offer_lang = response.offer, response.lang
            print(f"{offer.question(offer_lang)} {t('chat.yes_no', offer_lang)}", file=out)
        out.flush()


def print_response(response: Response, out: TextIO) -> None:
    """Each outcome as plain text; `help` in the terminal is the offline tour, not Discord's help."""
    for outcome in response.outcomes:
        if outcome.ok and outcome.action == "help":
            text = t("chat.tour", response.lang)
        else:
            text = outcome_text(outcome, response.lang)
        print(text.replace("**", ""), file=out)
    out.flush()


async def _demo_services(settings: Settings) -> Services:
    from bot.demo.spotify_server import start_demo

    fake = await start_demo()
    return await build_services(settings, demo=fake, demo_token=fake.demo_token)


async def _real_services(settings: Settings, reader: LineReader, out: TextIO) -> Services | None:
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
        if not await _wait_for_link(services, reader):
            print(t("chat.link_failed", lang), file=out)
            await services.aclose()
            return None
    finally:
        await web.stop()
    return services


async def _wait_for_link(services: Services, reader: LineReader) -> bool:
    """Linked through the callback, or the user pasted the redirected URL."""
    assert services.links is not None
    links = services.links
    deadline = asyncio.get_running_loop().time() + LINK_WAIT_S
    while asyncio.get_running_loop().time() < deadline:
        if await links.status(CHAT_USER_ID) is not None:
            return True
        if reader.pending().done():
            pasted = (await reader.readline()).strip()
            if not pasted:
                return False
            result = await links.complete_from_url(pasted, CHAT_USER_ID)
            return result.ok
        await asyncio.sleep(0.2)
    return False
