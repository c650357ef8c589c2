"""`python -m bot chat`: the same pipeline as Discord (parser -> session -> outcome), rendered as text.

Without a linked account it runs the fake Spotify server in-process as a clearly labelled demo player.
It reads stdin line by line, so it works in scripts: `printf 'play daft punk\\nvolume 30\\n' | python -m bot chat`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import webbrowser
from typing import Any, TextIO

from bot.app import Services, build_services
from bot.assistant import Offer, Response
from bot.config import Settings
from bot.i18n import t
from bot.nlu.plan import Context, Lang
from bot.nlu.smalltalk import match_confirmation
from bot.nlu.text import normalise_text
from bot.render import outcome_text
from bot.spotify.oauth import LinkResult
from bot.web import OAuthWebServer, for_surface

log = logging.getLogger(__name__)

CHAT_USER_ID = 1  # the terminal's single user; sessions act on "user:1"
LINK_WAIT_S = 300.0
STATUS_POLL_S = 0.5


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
    web: OAuthWebServer | None = None
    if use_spotify:
        linked = await _real_services(settings, reader, out, interactive=_is_tty(inp))
        if linked is None:
            return 1
        services, web = linked
    else:
        services = await _demo_services(settings)
    try:
        print(t("chat.banner", lang), file=out)
        if services.demo is not None:
            print(t("chat.demo_player", lang), file=out)
        if not settings.has_llm:
            print(t("llm.local_only", lang), file=out)
        out.flush()
        await chat_loop(services, reader, out)
    finally:
        if web is not None:
            await web.stop()
        await services.aclose()
    return 0


def _is_tty(inp: TextIO) -> bool:
    try:
        return inp.isatty()
    except (AttributeError, ValueError):
        return False


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


async def _real_services(
    settings: Settings, reader: LineReader, out: TextIO, *, interactive: bool
) -> tuple[Services, OAuthWebServer | None] | None:
    """Link (or reuse) a real Spotify account for the terminal user through the browser on 127.0.0.1.

    The callback server stays up for the whole chat, so reopening the page after linking shows a page that
    says so rather than "connection refused". Lines typed while waiting count as a pasted redirect address
    only when stdin is a terminal: piped input is kept for the chat.
    """
    lang = settings.default_language
    if not settings.spotify_client_id:
        print(t("chat.need_client_id", lang), file=out)
        return None
    services = await build_services(settings)
    assert services.links is not None
    account = await services.links.status(CHAT_USER_ID)
    if account is not None and not account.needs_relink:
        print(t("chat.linked_as", lang, name=account.display_name), file=out)
        return services, None
    if account is not None:
        print(t("chat.link_needs_relink", lang, name=account.display_name), file=out)
    finished: asyncio.Future[LinkResult] = asyncio.get_running_loop().create_future()

    def on_result(result: LinkResult) -> None:
        if result.user_id == CHAT_USER_ID and not finished.done():
            finished.set_result(result)

    web = OAuthWebServer(
        services.links, settings.web_host, settings.web_port, terminal=True, on_result=on_result
    )
    try:
        await web.start()
    except OSError as exc:
        log.warning("terminal link: cannot listen on %s:%s: %s", settings.web_host, settings.web_port, exc)
        print(t("chat.port_busy", lang, host=settings.web_host, port=settings.web_port), file=out)
        await services.aclose()
        return None
    url = await services.links.start_link(CHAT_USER_ID, None, lang)
    print(t("chat.open_url", lang, url=url), file=out)
    if interactive:
        print(t("chat.open_url.paste", lang), file=out)
    out.flush()
    webbrowser.open(url)
    result = await _wait_for_link(services, reader, finished, out, interactive=interactive)
    if not result.ok:
        print(t(for_surface(result.key, True), result.lang, **result.params), file=out)
        await web.stop()
        await services.aclose()
        return None
    name = result.account.display_name if result.account is not None else str(result.params.get("name", ""))
    print(t("chat.linked_as", result.lang, name=name), file=out)
    return services, web


def _looks_like_redirect(line: str) -> bool:
    return "state=" in line and ("code=" in line or "error=" in line)


async def _wait_for_link(
    services: Services,
    reader: LineReader,
    finished: asyncio.Future[LinkResult],
    out: TextIO,
    *,
    interactive: bool,
) -> LinkResult:
    """The callback's result (approved or denied), a pasted redirect address's, or a time-out / Ctrl-D."""
    assert services.links is not None
    links = services.links
    lang = services.settings.default_language
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LINK_WAIT_S
    while (remaining := deadline - loop.time()) > 0:
        waiting: set[asyncio.Future[Any]] = {finished}
        if interactive:
            waiting.add(reader.pending())
        await asyncio.wait(
            waiting, timeout=min(remaining, STATUS_POLL_S), return_when=asyncio.FIRST_COMPLETED
        )
        if finished.done():
            return finished.result()
        if interactive and reader.pending().done():
            line = (await reader.readline()).strip()
            if not line:
                return LinkResult(False, "chat.link_failed", {}, lang)  # Ctrl-D: the user gave up
            if not _looks_like_redirect(line):
                print(t("chat.open_url.paste", lang), file=out)
                out.flush()
                continue
            result = await links.complete_from_url(line, CHAT_USER_ID)
            if result.key != "account.paste_invalid":
                return result
            print(result.message(), file=out)
            out.flush()
        elif (account := await links.status(CHAT_USER_ID)) is not None and not account.needs_relink:
            # Linked through a callback served elsewhere (e.g. the bot's own server behind PUBLIC_BASE_URL).
            return LinkResult(True, "account.linked", {"name": account.display_name}, lang, account=account)
    return LinkResult(False, "chat.link_timeout", {"minutes": round(LINK_WAIT_S / 60)}, lang)
