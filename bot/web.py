"""The small aiohttp server Spotify redirects to after a user authorises the bot (GET /callback)."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from aiohttp import web

from bot.i18n import CATALOG, normalise_lang, t
from bot.shortlinks import ShortLinks
from bot.spotify.oauth import LinkResult, LinkService

log = logging.getLogger(__name__)

_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 34rem; margin: 4rem auto; padding: 0 1rem; }}
h1 {{ color: {colour}; font-size: 1.5rem; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{message}</p>
<p>{close}</p>
</body>
</html>
"""

_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}

_STATUS = {
    "account.state_invalid": 400,
    "account.state_expired": 400,
    "account.link_failed": 502,
}


def _plain(text: str) -> str:
    """Discord markdown (`code`, **bold**) is noise in a browser."""
    return text.replace("**", "").replace("`", "")


def for_surface(key: str, terminal: bool) -> str:
    """`key`, or its `.terminal` variant when the link was started from the terminal chat and one exists."""
    return f"{key}.terminal" if terminal and f"{key}.terminal" in CATALOG else key


def render_page(result: LinkResult, *, terminal: bool = False) -> str:
    """The page the browser lands on. `terminal`: the link was started by `chat --spotify`, not in Discord."""
    lang = normalise_lang(result.lang)
    message = t(for_surface(result.key, terminal), lang, **result.params)
    return _PAGE.format(
        lang=lang,
        title=html.escape(t("account.page_title_ok" if result.ok else "account.page_title_failed", lang)),
        colour="#1db954" if result.ok else "#b3261e",
        message=html.escape(_plain(message)),
        close=html.escape(t(for_surface("account.page_close", terminal), lang)),
    )


LinkResultListener = Callable[[LinkResult], None]


class OAuthWebServer:
    """Serves GET /callback (finishes a link), GET /link/<id> (a short link: 302 to Spotify's authorize page)
    and GET /healthz. No access log: URLs carry OAuth codes."""

    def __init__(
        self,
        links: LinkService,
        host: str,
        port: int,
        short_links: ShortLinks | None = None,
        *,
        terminal: bool = False,
        on_result: LinkResultListener | None = None,
    ) -> None:
        """`terminal`: pages speak of the terminal chat; `on_result`: told of every callback's outcome."""
        self._links = links
        self._short_links = short_links
        self._terminal = terminal
        self._on_result = on_result
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._app = web.Application()
        self._app.router.add_get("/callback", self._callback)
        self._app.router.add_get("/link/{link_id}", self._short_link)
        self._app.router.add_get("/healthz", self._healthz)

    async def start(self) -> str:
        """Bind and serve; returns the base URL (the real port when 0 was asked for)."""
        runner = web.AppRunner(self._app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        if ":" in shown:
            shown = f"[{shown}]"
        base = f"http://{shown}:{port}"
        log.info("OAuth callback server listening on %s", base)
        return base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _short_link(self, request: web.Request) -> web.Response:
        lang = normalise_lang(request.headers.get("Accept-Language"))
        target = None
        if self._short_links is not None:
            try:
                target = await self._short_links.resolve(request.match_info["link_id"])
            except Exception:
                log.exception("resolving a short link failed")
        if target is None:
            page = render_page(LinkResult(False, "account.state_expired", {}, lang))
            return web.Response(text=page, status=404, content_type="text/html", headers=_HEADERS)
        return web.Response(status=302, headers={**_HEADERS, "Location": target})

    async def _callback(self, request: web.Request) -> web.Response:
        query = request.query
        lang = normalise_lang(request.headers.get("Accept-Language"))
        try:
            result = await self._links.complete(
                state=query.get("state", ""),
                code=query.get("code") or None,
                error=query.get("error") or None,
                lang=lang,
            )
        except Exception:
            log.exception("OAuth callback failed")
            result = LinkResult(False, "account.link_failed", {}, lang)
        if self._on_result is not None:
            self._on_result(result)
        status = 200 if result.ok else _STATUS.get(result.key, 200)
        return web.Response(
            text=render_page(result, terminal=self._terminal),
            status=status,
            content_type="text/html",
            headers=_HEADERS,
        )
