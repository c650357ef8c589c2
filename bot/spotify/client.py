"""Spotify Web API calls: spotipy builds every request, the process's shared aiohttp session sends it.

The seam is spotipy's documented `requests_session` argument. Every spotipy client gets a `RequestRecorder`: a
`requests.Session` whose `request()` sends nothing but hands back what spotipy asked for (method, URL, query,
JSON body, bearer header). Endpoint paths, parameter names and auth stay spotipy's; requests' own URL preparation
encodes the query exactly as it would have been sent. The request then goes out on the event loop through
`HttpPool`'s `aiohttp.ClientSession` (keep-alive, per-request timeout), with no worker thread in between.

Around each request: a per-app back-off gate (a 429 closes it for Retry-After, so later calls fail fast without
sending anything), one retry of idempotent calls after a 5xx, timeout or dropped connection (tenacity), a cap on
each account's requests in flight (a hung account cannot take the pool from the others), and one mapping of
every Spotify answer to a typed, user-presentable error.

If a spotipy release stops calling `session.request` the way 2.26 does, `RequestRecorder` cannot hand a request
back: the call fails with `SpotipySeamChanged` (logged once per call, the user reads "Spotify unavailable"), no
request is sent another way, and tests/spotify/test_seam.py fails. pyproject pins the range this was tested with.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from urllib.parse import urlencode

import aiohttp
import requests
import spotipy
from spotipy.exceptions import SpotifyException
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_random
from yarl import URL

from bot.errors import UserFacingError
from bot.http_pool import HttpPool
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
ACCOUNT_IN_FLIGHT = 4  # requests one account may have on the wire at once; more wait (within the timeout)
CONNECT_TIMEOUT_S = 5.0
SPOTIPY_VERSION = version("spotipy")


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


@dataclass(frozen=True, slots=True)
class SpotifyRequest:
    """One HTTP request as spotipy built it: the URL carries the query, already encoded by requests."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


class SpotipySeamChanged(RuntimeError):
    """spotipy did not hand its request to the session the way the seam expects (a spotipy change)."""


class _Built(Exception):
    """Raised by RequestRecorder out of spotipy's call path, carrying the request spotipy built."""

    def __init__(self, request: SpotifyRequest) -> None:
        super().__init__(request.method)
        self.request = request


# What spotipy 2.26 passes to `session.request` besides method and URL; anything else means the seam changed.
_EXPECTED_KWARGS = frozenset({"headers", "proxies", "timeout", "params", "data"})


class RequestRecorder(requests.Session):
    """The `requests_session` of every spotipy client: records the request instead of sending it."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        unexpected = set(kwargs) - _EXPECTED_KWARGS
        if args or unexpected:
            raise SpotipySeamChanged(f"session.request got {len(args)} positional, {sorted(unexpected)}")
        full_url = prepared_url(str(url), kwargs.get("params"))
        headers = {str(k): str(v) for k, v in (kwargs.get("headers") or {}).items()}
        data = kwargs.get("data")
        body: bytes | None
        if data is None or data == "" or data == b"":
            body = None
        elif isinstance(data, bytes):
            body = data
        elif isinstance(data, str):
            body = data.encode("utf-8")
        else:
            raise SpotipySeamChanged(f"session.request got a {type(data).__name__} body")
        method_name = method.decode() if isinstance(method, bytes) else method
        raise _Built(SpotifyRequest(method_name.upper(), full_url, headers, body))


# Characters requests' `requote_uri` would change in a URL (anything else passes through unchanged).
_PLAIN_URL = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*$")


def prepared_url(url: str, params: Mapping[str, Any] | None) -> str:
    """The URL requests would send for `url` and `params` (None values dropped, lists repeated, UTF-8).

    A plain ASCII URL with scalar or list parameters (every URL spotipy builds for the calls the bot makes) is
    joined here, as requests joins it; anything else goes through requests' own `PreparedRequest.prepare_url`.
    """
    if (
        _PLAIN_URL.match(url)
        and "#" not in url
        and all(isinstance(v, str | int | float | list | tuple) or v is None for v in (params or {}).values())
    ):
        pairs = [
            (k, item)
            for k, v in (params or {}).items()
            for item in (v if isinstance(v, list | tuple) else (v,))
            if item is not None
        ]
        if not pairs:
            return url
        query = urlencode(pairs)
        return f"{url}&{query}" if "?" in url else f"{url}?{query}"
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, params)
    return str(prepared.url)


def build_request(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> SpotifyRequest:
    """Run a spotipy method against its RequestRecorder: the request it would send (nothing is sent).

    spotipy's own checks (an unknown URI type, a volume out of range) raise SpotifyException as before.
    """
    try:
        fn(*args, **kwargs)
    except _Built as built:
        return built.request
    raise SpotipySeamChanged(f"{getattr(fn, '__qualname__', fn)!r} returned without building a request")


def spotify_error(status: int, body: bytes, headers: Any, url: object) -> SpotifyException:
    """The SpotifyException spotipy raises for an HTTP error answer (message, reason and headers kept)."""
    msg: str | None
    reason: str | None
    try:
        parsed = json.loads(body) if body else None
        error = parsed.get("error", {}) if isinstance(parsed, dict) else {}
        if not isinstance(error, dict):
            error = {}
        msg, reason = error.get("message"), error.get("reason")
        if parsed is None:
            msg = None
    except ValueError:
        msg, reason = body.decode("utf-8", "replace") or None, None
    return SpotifyException(status, -1, f"{url}:\n {msg}", reason=reason, headers=headers)


class AccountBusy(Exception):
    """This account already has ACCOUNT_IN_FLIGHT requests on the wire and none finished within the timeout."""


class SpotifyTransport:
    """Builds spotipy clients pointed at `api_base` and sends what they build on the shared aiohttp session."""

    def __init__(self, *, http: HttpPool, api_base: str, timeout_s: float) -> None:
        self.api_base = api_base if api_base.endswith("/") else api_base + "/"
        self.timeout_s = timeout_s
        self._http = http
        self._recorder = RequestRecorder()
        self._proxy = http.proxy_for(self.api_base)
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=min(CONNECT_TIMEOUT_S, timeout_s))
        self._closed = False
        # spotipy formats request headers (the bearer token) into its DEBUG lines; they must never be emitted.
        logging.getLogger("spotipy.client").setLevel(logging.CRITICAL)

    def new_client(self) -> spotipy.Spotify:
        """A spotipy client whose requests come back to us (no auth manager: tokens are set with set_auth)."""
        sp = spotipy.Spotify(
            requests_session=self._recorder,
            requests_timeout=self.timeout_s,
            retries=0,
            status_retries=0,
            backoff_factor=0,
        )
        sp.prefix = self.api_base
        return sp

    async def send(self, request: SpotifyRequest) -> Any:
        """Send one request; the decoded JSON answer (None when empty or not JSON). Raises SpotifyException for
        HTTP errors, aiohttp.ClientError / TimeoutError when nothing usable came back."""
        if self._closed:
            raise SpotifyUnavailable()
        async with self._http.session.request(
            request.method,
            URL(request.url, encoded=True),
            headers=request.headers,
            data=request.body,
            timeout=self._timeout,
            proxy=self._proxy,
        ) as response:
            content = await response.read()
            status, headers, url = response.status, response.headers, response.url
        if status >= 400:
            raise spotify_error(status, content, headers, url)
        if not content:
            return None
        try:
            return json.loads(content)
        except ValueError:
            return None

    def shutdown(self) -> None:
        self._closed = True


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


async def _sleep_retry_wait(state: RetryCallState) -> None:
    """The short random wait before the first retry (tenacity itself waits only between its own attempts)."""
    if state.attempt_number == 1:
        await asyncio.sleep(random.uniform(*RETRY_WAIT_S))


def is_transient(exc: BaseException) -> bool:
    """5xx answers, timeouts and dropped connections: worth one more try when the call is idempotent."""
    if isinstance(exc, SpotifyException):
        return exc.http_status >= 500
    return isinstance(exc, (aiohttp.ClientError, TimeoutError))


class SpotifyApi:
    """One session's spotipy client plus the rules every call follows (gate, retries, error mapping)."""

    def __init__(
        self,
        *,
        transport: SpotifyTransport,
        gate: BackoffGate,
        token: Callable[[], Awaitable[str]],
        label: str,
        on_rejected: Callable[[str], Awaitable[str]] | None = None,
        in_flight: int = ACCOUNT_IN_FLIGHT,
    ) -> None:
        self._transport = transport
        self._gate = gate
        self._token = token
        self._on_rejected = on_rejected  # a 401 on a token that looked valid: force one refresh
        self.label = label  # session key, for logs
        self.sp = transport.new_client()
        self._slots = asyncio.Semaphore(max(1, in_flight))
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
        """Have spotipy build `fn(*args, **kwargs)` and send it; map every failure to a UserFacingError."""
        if self._current_token is None:
            await self.refresh_token()
        retried_auth = False
        while True:
            try:
                result: T = await self._attempts(fn, args, kwargs, idempotent)
                return result
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
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("spotify %s %s: %s", self.label, what, type(exc).__name__)
                raise SpotifyUnavailable() from None
            except AccountBusy:
                log.warning(
                    "spotify %s %s: %d requests of this account still in flight",
                    self.label,
                    what,
                    ACCOUNT_IN_FLIGHT,
                )
                raise SpotifyUnavailable() from None
            except SpotipySeamChanged as exc:
                log.error(
                    "spotify %s %s: spotipy %s no longer fits the request seam: %s",
                    self.label,
                    what,
                    SPOTIPY_VERSION,
                    exc,
                )
                raise SpotifyUnavailable() from None

    async def _attempts(self, fn: Callable[..., Any], args: Any, kwargs: Any, idempotent: bool) -> Any:
        """One try; an idempotent call that failed transiently (5xx, timeout) gets one more after a short wait.

        The first attempt runs without tenacity (building its retry state for every call cost ~9 % of the GIL
        time in the burst); tenacity drives only the retries of a call that already failed transiently.
        """
        await self._gate.sync()
        self._gate.check()
        try:
            return await self._send(fn, args, kwargs)
        except Exception as exc:
            if not idempotent or IDEMPOTENT_ATTEMPTS < 2 or not is_transient(exc):
                raise
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(IDEMPOTENT_ATTEMPTS - 1),
            wait=wait_random(*RETRY_WAIT_S),
            retry=retry_if_exception(is_transient),
            before=_sleep_retry_wait,
            reraise=True,
        ):
            with attempt:
                self._gate.check()
                return await self._send(fn, args, kwargs)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(self, fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        """Build the request now (with the current token), then send it within this account's in-flight cap."""
        request = build_request(fn, args, kwargs)
        if self._slots.locked():  # wait for a slot, within the timeout (a free one is taken without waiting)
            try:
                async with asyncio.timeout(self._transport.timeout_s):
                    await self._slots.acquire()
            except TimeoutError:
                raise AccountBusy() from None
        else:
            await self._slots.acquire()
        try:
            return await self._transport.send(request)
        finally:
            self._slots.release()

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
        """Nothing to release: connections belong to the shared pool."""
        return None
