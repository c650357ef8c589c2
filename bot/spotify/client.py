"""spotipy on its own thread pool: client factory, per-app back-off gate, and one guarded call path.

spotipy is synchronous; every request runs on a dedicated `ThreadPoolExecutor`, with an explicit timeout and
spotipy's own retries switched off (it would otherwise sleep through Retry-After inside a worker thread).
Idempotent calls are retried once on 5xx here (tenacity), and a 429 closes
a gate shared by every session of the same Spotify app, so later calls fail fast without sending a request or
holding a thread.

Per-request CPU matters under load (every worker competes with the event loop for the GIL), so the HTTP session
reads proxy and CA settings from the environment once instead of per request, and `LeanSpotify` skips spotipy's
eagerly formatted debug lines (an f-string of every response body, ~0.2 ms for a search page).
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import requests
import spotipy
from requests.adapters import HTTPAdapter
from spotipy.exceptions import SpotifyException
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random

from bot.errors import UserFacingError
from bot.spotify.errors import (
    LinkExpired,
    NoActiveDevice,
    NothingPlaying,
    PlayerRestricted,
    PremiumRequired,
    RateLimited,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyRejected,
    SpotifyUnavailable,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.storage.shared import SharedHolds

T = TypeVar("T")

DEFAULT_RETRY_AFTER_S = 5.0
MAX_RETRY_AFTER_S = 24 * 3600.0
IDEMPOTENT_ATTEMPTS = 2
RETRY_WAIT_S = (0.05, 0.25)  # uniform random wait before the one retry of an idempotent call


class BackoffGate:
    """Closed after a 429 until Retry-After has passed; shared by every session of one Spotify app.

    With `shared` (several processes on PostgreSQL) a 429 is published to the store and every call first
    adopts a hold another process published, so N processes do not spend N times the app's quota.
    """

    def __init__(
        self, app: str, clock: Callable[[], float] = time.monotonic, shared: SharedHolds | None = None
    ) -> None:
        self.app = app
        self._clock = clock
        self._open_at = 0.0
        self._shared = shared
        self.key = f"spotify-app:{app}"

    async def sync(self) -> None:
        """Adopt a hold published by another process (nothing to do without a shared store)."""
        if self._shared is not None:
            remaining = await self._shared.remaining_s(self.key)
            if remaining > 0:
                self._open_at = max(self._open_at, self._clock() + remaining)

    async def publish(self) -> None:
        """Tell the other processes how long this gate stays closed."""
        remaining = self.remaining_s()
        if self._shared is not None and remaining > 0:
            await self._shared.hold_for(self.key, remaining)

    def remaining_s(self) -> float:
        return max(0.0, self._open_at - self._clock())

    def close_for(self, seconds: float) -> None:
        """Keep the gate closed `seconds` from now (never shortens an existing wait)."""
        self._open_at = max(self._open_at, self._clock() + seconds)

    def check(self) -> None:
        """Raise RateLimited while the gate is closed."""
        remaining = self.remaining_s()
        if remaining > 0:
            raise RateLimited(seconds=math.ceil(remaining))


class BackoffGates:
    """One BackoffGate per Spotify client id."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, shared: SharedHolds | None = None
    ) -> None:
        self._clock = clock
        self._shared = shared
        self._gates: dict[str, BackoffGate] = {}

    def for_app(self, client_id: str) -> BackoffGate:
        gate = self._gates.get(client_id)
        if gate is None:
            gate = self._gates[client_id] = BackoffGate(client_id, self._clock, self._shared)
        return gate


class LeanSpotify(spotipy.Spotify):
    """spotipy's client with the same request path minus its eagerly formatted debug logging.

    `_internal_call` mirrors spotipy 2.26 (URL prefix, bearer header, JSON body, `SpotifyException` with the
    error's message, reason and headers) but builds no log text: spotipy formats every request and every
    response body into f-strings even when DEBUG is off. The request still goes through `requests`.
    """

    def _internal_call(self, method: str, url: str, payload: Any, params: dict[str, Any]) -> Any:
        if not url.startswith("http"):
            url = self.prefix + url
        headers = self._auth_headers()
        data: Any = None
        content_type = params.pop("content_type", None)
        if content_type is not None:
            headers["Content-Type"] = content_type
            data = payload or None
        else:
            headers["Content-Type"] = "application/json"
            if payload:
                data = json.dumps(payload)
        if self.language is not None:
            headers["Accept-Language"] = self.language
        response = self._session.request(
            method,
            url,
            headers=headers,
            proxies=self.proxies,
            timeout=self.requests_timeout,
            params=params,
            data=data,
        )
        if response.status_code >= 400:
            raise _spotify_error(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None


def _spotify_error(response: requests.Response) -> SpotifyException:
    """The SpotifyException spotipy raises for an HTTP error answer."""
    msg: str | None
    reason: str | None
    try:
        body = response.json()
        error = body.get("error", {}) if isinstance(body, dict) else {}
        if not isinstance(error, dict):
            error = {}
        msg, reason = error.get("message"), error.get("reason")
    except ValueError:
        msg, reason = response.text or None, None
    return SpotifyException(
        response.status_code, -1, f"{response.url}:\n {msg}", reason=reason, headers=response.headers
    )


def _http_session() -> requests.Session:
    """A requests session that reads the environment (proxies, CA bundle) once, not on every request.

    With `trust_env` on, requests looks up proxies, no_proxy and ~/.netrc for every request (a netrc entry
    would even replace the bearer header); the proxies and CA bundle that apply are captured here instead.
    """
    http = requests.Session()
    http.trust_env = False
    adapter = HTTPAdapter(max_retries=0, pool_connections=2, pool_maxsize=4)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


class SpotifyClientFactory:
    """Builds spotipy clients pointed at `api_base` and runs their calls on a dedicated thread pool."""

    def __init__(self, *, api_base: str, threads: int, timeout_s: float) -> None:
        self.api_base = api_base if api_base.endswith("/") else api_base + "/"
        self.timeout_s = timeout_s
        self._executor = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="spotify")
        self._closed = False
        self._proxies = requests.utils.get_environ_proxies(self.api_base)
        self._verify: str | bool = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
        # spotipy logs request headers (the bearer token) at DEBUG and every HTTP error at ERROR with its URL;
        # calls are logged here with their context instead.
        logging.getLogger("spotipy.client").setLevel(logging.CRITICAL)

    def new_client(self) -> spotipy.Spotify:
        """A spotipy client with its own keep-alive connection pool and no built-in retries."""
        http = _http_session()
        http.proxies.update(self._proxies)
        http.verify = self._verify
        sp = LeanSpotify(
            requests_session=http,
            requests_timeout=self.timeout_s,
            retries=0,
            status_retries=0,
            backoff_factor=0,
        )
        sp.prefix = self.api_base
        return sp

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a blocking call on the Spotify thread pool."""
        if self._closed:
            raise SpotifyUnavailable()
        loop = asyncio.get_running_loop()
        call = functools.partial(fn, *args, **kwargs) if kwargs else fn
        return await loop.run_in_executor(self._executor, call, *(() if kwargs else args))

    def shutdown(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)


def retry_after_s(headers: Any) -> float:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); a default when absent."""
    value = headers.get("Retry-After") if headers is not None else None
    if value is None:
        return DEFAULT_RETRY_AFTER_S
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(text).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return DEFAULT_RETRY_AFTER_S
    if math.isnan(seconds):
        return DEFAULT_RETRY_AFTER_S
    return min(max(seconds, 1.0), MAX_RETRY_AFTER_S)


def is_transient(exc: BaseException) -> bool:
    """5xx answers, timeouts and dropped connections: worth one more try when the call is idempotent."""
    if isinstance(exc, SpotifyException):
        return exc.http_status >= 500
    return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout))


class SpotifyApi:
    """One session's spotipy client plus the rules every call follows (gate, retries, error mapping)."""

    def __init__(
        self,
        *,
        factory: SpotifyClientFactory,
        gate: BackoffGate,
        token: Callable[[], Awaitable[str]],
        label: str,
        on_rejected: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self._factory = factory
        self._gate = gate
        self._token = token
        self._on_rejected = on_rejected  # a 401 on a token that looked valid: force one refresh
        self.label = label  # session key, for logs
        self.sp = factory.new_client()
        self._current_token: str | None = None

    async def refresh_token(self, rejected: str | None = None) -> str:
        """Ask the token provider for a (possibly refreshed) token and use it for the next calls.

        `rejected`: the token Spotify just answered 401 to, which the provider must replace if it can."""
        if rejected is not None and self._on_rejected is not None:
            token = await self._on_rejected(rejected)
        else:
            token = await self._token()
        self._current_token = token
        self.sp.set_auth(token)
        return token

    async def call(
        self, what: str, fn: Callable[..., T], /, *args: Any, idempotent: bool, **kwargs: Any
    ) -> T:
        """Run `fn(*args, **kwargs)` on the pool; map every failure to a UserFacingError."""
        if self._current_token is None:
            await self.refresh_token()
        retried_auth = False
        while True:
            try:
                return await self._attempts(fn, args, kwargs, idempotent)
            except SpotifyException as exc:
                if exc.http_status == 401 and not retried_auth:
                    retried_auth = True
                    old = self._current_token
                    if await self.refresh_token(rejected=old) != old:
                        continue
                mapped = self._mapped(what, exc)
                if exc.http_status == 429:
                    await self._gate.publish()
                raise mapped from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                log.warning("spotify %s %s: %s", self.label, what, type(exc).__name__)
                raise SpotifyUnavailable() from None

    async def _attempts(self, fn: Callable[..., T], args: Any, kwargs: Any, idempotent: bool) -> T:
        """One try; an idempotent call that failed transiently (5xx, timeout) gets one more after a short wait."""
        await self._gate.sync()
        self._gate.check()
        if not idempotent:
            return await self._factory.run(fn, *args, **kwargs)
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(IDEMPOTENT_ATTEMPTS),
            wait=wait_random(*RETRY_WAIT_S),
            retry=retry_if_exception(is_transient),
            reraise=True,
        ):
            with attempt:
                self._gate.check()
                return await self._factory.run(fn, *args, **kwargs)
        raise AssertionError("unreachable")  # pragma: no cover

    def _mapped(self, what: str, exc: SpotifyException) -> UserFacingError:
        status, reason = exc.http_status, exc.reason
        # Player refusals (no device, already paused, Premium) are everyday answers, not faults of ours.
        level = logging.INFO if status in (403, 404) else logging.WARNING
        log.log(level, "spotify %s %s: status=%s reason=%s", self.label, what, status, reason)
        if status == 429:
            seconds = retry_after_s(exc.headers)
            self._gate.close_for(seconds)
            log.warning("spotify app %s rate limited for %.0f s", self._gate.app, seconds)
            return RateLimited(seconds=math.ceil(seconds))
        if status == 401:
            return LinkExpired()
        if status == 403:
            if reason == "PREMIUM_REQUIRED":
                return PremiumRequired()
            return PlayerRestricted() if what.startswith("player.") else SpotifyForbidden()
        if status == 404:
            text = str(exc.msg or "").lower()
            if reason == "NO_ACTIVE_DEVICE" or "active device" in text:
                return NoActiveDevice()
            if what.startswith("player.") and "nothing to play" in text:
                return NothingPlaying()
            return SpotifyNotFound()
        if status >= 500:
            return SpotifyUnavailable()
        return SpotifyRejected()

    def close(self) -> None:
        session = getattr(self.sp, "_session", None)
        if isinstance(session, requests.Session):
            session.close()
