"""The LLM SDKs' HTTP: an httpx transport that sends on the process's shared aiohttp session.

`groq.AsyncGroq` speaks httpx and `openai.AsyncOpenAI` speaks httpx2 (its fork); both accept an `http_client`.
Each gets an `AsyncClient` whose transport hands the request to `HttpPool`'s `aiohttp.ClientSession`, so the SDKs
use aiohttp's connection pool (one per host, shared with Spotify's connector) instead of httpcore's, whose
per-request bookkeeping grows with the number of requests waiting.

The SDKs' own aiohttp transports (`groq.DefaultAioHttpClient`, `openai.DefaultAioHttpClient`) stream the body
from `ClientResponse.content`; this one reads the body whole (a chat completion is small, and the chain reads it
whole anyway), so anything else that has read the response first (the wire audit does) still sees it.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

import aiohttp
import httpx
import httpx2
from multidict import CIMultiDict
from yarl import URL

from bot.http_pool import HttpPool

# Headers aiohttp sets itself from the URL and the body.
_SKIPPED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})


@functools.cache
def _transport_class(httpx_module: ModuleType) -> type[Any]:
    """An `AsyncBaseTransport` subclass for `httpx_module` (httpx or httpx2: the same API, two packages)."""
    hx: Any = httpx_module

    class AiohttpSharedTransport(hx.AsyncBaseTransport):  # type: ignore[misc,name-defined]
        def __init__(self, http: HttpPool) -> None:
            self._http = http

        async def handle_async_request(self, request: Any) -> Any:
            timeout = request.extensions.get("timeout") or {}
            body = await request.aread()
            headers = [
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in request.headers.raw
                if k.decode("latin-1").lower() not in _SKIPPED_HEADERS
            ]
            client_timeout = aiohttp.ClientTimeout(
                total=None,
                connect=timeout.get("pool"),
                sock_connect=timeout.get("connect"),
                sock_read=timeout.get("read"),
            )
            try:
                async with self._http.session.request(
                    request.method,
                    URL(str(request.url), encoded=True),
                    headers=CIMultiDict(headers),
                    data=body or None,
                    allow_redirects=False,
                    auto_decompress=False,  # httpx decodes Content-Encoding itself
                    timeout=client_timeout,
                    proxy=self._http.proxy_for(str(request.url)),
                ) as response:
                    content = await response.read()
                    status, raw_headers, reason = response.status, response.raw_headers, response.reason
            except TimeoutError as exc:  # aiohttp's timeouts are TimeoutError subclasses
                raise hx.ReadTimeout(str(exc) or "timed out", request=request) from exc
            except aiohttp.ClientConnectorError as exc:
                raise hx.ConnectError(str(exc), request=request) from exc
            except aiohttp.ClientError as exc:
                raise hx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
            extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
            if reason:
                extensions["reason_phrase"] = reason.encode("latin-1", "replace")
            return hx.Response(
                status_code=status,
                headers=list(raw_headers),
                content=content,
                request=request,
                extensions=extensions,
            )

        async def aclose(self) -> None:
            return None  # the pool belongs to its owner (bot.app or the provider that made it)

    return AiohttpSharedTransport


def groq_http_client(http: HttpPool, *, timeout_s: float) -> httpx.AsyncClient:
    """An httpx client for `groq.AsyncGroq` that sends through `http`."""
    transport = _transport_class(httpx)(http)
    return httpx.AsyncClient(transport=transport, timeout=timeout_s, follow_redirects=True)


def openai_http_client(http: HttpPool, *, timeout_s: float) -> httpx2.AsyncClient:
    """An httpx2 client for `openai.AsyncOpenAI` that sends through `http`."""
    transport = _transport_class(httpx2)(http)
    return httpx2.AsyncClient(transport=transport, timeout=timeout_s, follow_redirects=True)
