"""The process's one aiohttp `ClientSession`: Spotify requests and both LLM SDKs send through it.

One connector means one set of keep-alive pools (one per host), one DNS cache and one place that bounds how many
sockets the process opens. Nothing here runs on a thread: every request is sent on the event loop.

The session is created on first use (it must be made inside the running loop) and closed by `aclose()`.
Proxies and the CA bundle are read from the environment once, here, not on every request.
"""

from __future__ import annotations

import logging
import os
import ssl
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

import aiohttp
from aiohttp.client_middlewares import ClientMiddlewareType

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 1024  # every host together: bounds the sockets (and file descriptors) the process opens
MAX_CONNECTIONS_PER_HOST = 512  # api.spotify.com serves every account: per-account limits live in SpotifyApi
KEEPALIVE_S = 30.0
DNS_CACHE_S = 300


def _ssl_context() -> ssl.SSLContext | bool:
    """The default verification, with the CA bundle the environment names (as requests would honour it)."""
    cafile = os.environ.get("SSL_CERT_FILE") or os.environ.get("REQUESTS_CA_BUNDLE")
    cafile = cafile or os.environ.get("CURL_CA_BUNDLE")
    if cafile:
        return ssl.create_default_context(cafile=cafile)
    return True


class HttpPool:
    """Owns the shared `aiohttp.ClientSession` (lazily created) and what every sender needs from it."""

    def __init__(
        self,
        *,
        max_connections: int = MAX_CONNECTIONS,
        max_per_host: int = MAX_CONNECTIONS_PER_HOST,
        keepalive_s: float = KEEPALIVE_S,
        middlewares: Sequence[ClientMiddlewareType] = (),
    ) -> None:
        """`middlewares`: aiohttp client middlewares (the benchmarks record what each command sent)."""
        self._max_connections = max_connections
        self._max_per_host = max_per_host
        self._keepalive_s = keepalive_s
        self._middlewares = tuple(middlewares)
        self._session: aiohttp.ClientSession | None = None
        self._proxies = urllib.request.getproxies_environment()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared session (created on first use; call from inside the event loop)."""
        if self._session is None or self._session.closed:
            if self._closed:
                raise RuntimeError("HttpPool is closed")
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                limit_per_host=self._max_per_host,
                keepalive_timeout=self._keepalive_s,
                ttl_dns_cache=DNS_CACHE_S,
                ssl=_ssl_context(),
            )
            # trust_env off: the environment (proxies, ~/.netrc, whose credentials could replace a bearer
            # header) is read once in __init__ and applied per base URL by `proxy_for`.
            self._session = aiohttp.ClientSession(
                connector=connector, trust_env=False, middlewares=self._middlewares
            )
        return self._session

    def proxy_for(self, url: str) -> str | None:
        """The proxy the environment sets for `url` (HTTPS_PROXY, NO_PROXY...), or None."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
        if not self._proxies or bypass(host, self._proxies):
            return None
        return self._proxies.get(parts.scheme) or self._proxies.get("all")

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
