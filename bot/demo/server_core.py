"""The fake Spotify's shared core: errors, recorded requests, users, faults, clock and HTTP plumbing.

The endpoints live in mixins along the API's seams (api_accounts, api_search, api_player, api_library);
`bot.demo.spotify_server.FakeSpotify` composes them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

from bot.demo.accounts import (
    AccessGrant,
    Accounts,
)
from bot.demo.catalog import Catalog, Playlist, is_base62_id, spotify_id
from bot.demo.listening import DEMO_TASTES, Listening, build_listening
from bot.demo.player import PlayerState
from bot.demo.render import Json, Renderer
from bot.demo.search import SearchIndex

log = logging.getLogger(__name__)

ALL_SCOPES = (
    "user-read-playback-state user-modify-playback-state user-read-currently-playing user-read-private "
    "user-read-email user-library-read user-library-modify playlist-read-private playlist-read-collaborative "
    "playlist-modify-public playlist-modify-private user-read-recently-played user-top-read user-follow-read "
    "user-follow-modify"
)
SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
LIBRARY_SAVE_KINDS = frozenset({"track", "album", "episode", "show", "audiobook", "user", "playlist"})
LIBRARY_CONTAINS_KINDS = LIBRARY_SAVE_KINDS | {"artist"}
URI_RX = re.compile(r"^spotify:(track|album|artist|playlist|episode|show|audiobook|user):([A-Za-z0-9_.-]+)$")
DEFAULT_MESSAGES = {
    400: "Bad request.",
    401: "The access token expired",
    403: "Forbidden.",
    404: "Service not found",
    429: "API rate limit exceeded",
    500: "Server error.",
    502: "Bad gateway.",
    503: "Service unavailable",
    504: "Gateway timeout",
}


class ApiError(Exception):
    """An error answered as {"error": {"status", "message", "reason"?}}."""

    def __init__(
        self, status: int, message: str, reason: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = headers or {}

    def response(self, *, flat: bool = False) -> web.Response:
        """The error body; `flat` also puts status/message at the top level, where the spec's
        /me/library 400 schema (a bare ErrorObject) expects them, while keeping "error" for clients."""
        err: Json = {"status": self.status, "message": self.message}
        if self.reason:
            err["reason"] = self.reason
        body: Json = {**err, "error": err} if flat else {"error": err}
        return web.json_response(body, status=self.status, headers=self.headers)


def no_active_device() -> ApiError:
    return ApiError(404, "Player command failed: No active device found", "NO_ACTIVE_DEVICE")


def restriction_violated() -> ApiError:
    return ApiError(403, "Player command failed: Restriction violated", "UNKNOWN")


@dataclass(slots=True)
class RecordedRequest:
    """One request as the fake received it (the Authorization header is never kept)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    user_id: str | None = None


@dataclass(slots=True)
class Fault:
    path_prefix: str
    status: int
    reason: str | None
    retry_after: int | None
    remaining: int
    method: str | None = None
    message: str | None = None
    drop: bool = False


@dataclass(slots=True)
class UserState:
    user_id: str
    display_name: str
    premium: bool
    player: PlayerState
    library: dict[str, str] = field(default_factory=dict)  # uri -> added_at (insertion ordered)
    playlist_ids: list[str] = field(default_factory=list)
    listening: Listening | None = None  # a believable past (top items, plays, saves), for users with a taste


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]


class FakeCore:
    """State, lifecycle, users, faults and HTTP plumbing of the fake; the route mixins add the endpoints."""

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        jitter_s: float = 0.0,
        seed: int = 0,
        include_deprecated: bool = False,
        token_ttl_s: int = 3600,
        catalog: Catalog | None = None,
    ) -> None:
        self.latency_s = latency_s
        self.user_latency_s: dict[str, float] = {}  # per Spotify user id, replaces latency_s for that user
        self.jitter_s = jitter_s
        self.token_ttl_s = token_ttl_s
        self.include_deprecated = include_deprecated
        self._rng = random.Random(seed)
        self._seed = seed
        self.catalog = catalog or Catalog()
        self.index = SearchIndex(self.catalog)
        self.accounts = Accounts()
        self.users: dict[str, UserState] = {}
        self.user_playlists: dict[str, Playlist] = {}
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.record_requests = True
        self._clock_offset = 0.0
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.demo_token: str | None = None
        self.render = Renderer(
            self.catalog, "https://api.spotify.com/v1/", include_deprecated=include_deprecated
        )
        self.app = self._build_app()

    # ------------------------------------------------------------------------------------------------
    # lifecycle
    # ------------------------------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.base_url = f"http://{host}:{bound[1]}"
        self.render = Renderer(self.catalog, self.api_base, include_deprecated=self.include_deprecated)
        log.info("fake Spotify listening on %s", self.base_url)
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        if not self.base_url:
            await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return self.base_url + "/v1/"

    @property
    def accounts_base(self) -> str:
        return self.base_url

    @property
    def authorize_url(self) -> str:
        return self.base_url + "/authorize"

    @property
    def token_url(self) -> str:
        return self.base_url + "/api/token"

    def now(self) -> float:
        return time.monotonic() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Let `seconds` of playback time pass for every user at once."""
        self._clock_offset += seconds

    # ------------------------------------------------------------------------------------------------
    # users, devices, tokens
    # ------------------------------------------------------------------------------------------------
    def _device(self, user_id: str, spec: dict[str, Any], n: int) -> dict[str, Any]:
        name = spec.get("name", f"Device {n}")
        return {
            "id": spec.get("id")
            or spotify_id("device", f"{user_id}/{name}/{n}").lower()[:20]
            + spotify_id("device2", f"{user_id}/{name}").lower()[:20],
            "is_active": bool(spec.get("is_active", False)),
            "is_private_session": bool(spec.get("is_private_session", False)),
            "is_restricted": bool(spec.get("is_restricted", False)),
            "name": name,
            "type": spec.get("type", "Computer"),
            "volume_percent": spec.get("volume_percent", 50) if spec.get("supports_volume", True) else None,
            "supports_volume": bool(spec.get("supports_volume", True)),
        }

    def add_user(
        self,
        user_id: str,
        *,
        display_name: str | None = None,
        premium: bool = True,
        devices: list[dict[str, Any]] | None = None,
        taste: tuple[str, ...] | None = None,
    ) -> str:
        """Create (or reset) a user and return a valid access token with every scope.

        `taste` (favourite artists' names; default: the demo taste for "demo" and "listener", else none) gives
        the user a listening history: top artists and tracks, past plays and a few saved tracks."""
        if devices is None:
            devices = [
                {"name": "Web Player (Chrome)", "type": "Computer", "is_active": True, "volume_percent": 60},
                {"name": "Pixel 8", "type": "Smartphone", "volume_percent": 80},
            ]
        player = PlayerState(
            devices=[self._device(user_id, d, i) for i, d in enumerate(devices)],
            clock=self.now,
            duration_of=self._duration_of,
            render_track=self.render_track,
            rng=random.Random(f"{self._seed}:{user_id}"),
        )
        self.users[user_id] = UserState(user_id, display_name or user_id, premium, player)
        taste = taste if taste is not None else DEMO_TASTES.get(user_id)
        if taste:
            self.set_taste(user_id, taste)
        return self.issue_token(user_id)

    def set_taste(self, user_id: str, favourites: tuple[str, ...]) -> Listening:
        """Give an existing user the listening history of someone who loves `favourites` (artist names)."""
        user = self.users[user_id]
        listening = build_listening(
            self.catalog, favourites, seed=f"{self._seed}:{user_id}", now_unix=time.time()
        )
        user.listening = listening
        for n, uri in enumerate(listening.saved):
            user.library.setdefault(uri, f"2025-{1 + n % 12:02d}-{1 + (7 * n) % 28:02d}T18:30:00Z")
        return listening

    def issue_token(self, user_id: str, *, scope: str | None = None, expires_in: int | None = None) -> str:
        """Another access token for an existing user (scope None: all scopes)."""
        ttl = self.token_ttl_s if expires_in is None else expires_in
        return self.accounts.new_access(AccessGrant(user_id, scope, self.now() + ttl))

    def expire_token(self, token: str) -> None:
        grant = self.accounts.access.get(token)
        if grant is not None:
            grant.expires_at = self.now() - 1

    def player(self, user_id: str) -> PlayerState:
        state = self.users[user_id].player
        state.sync()
        return state

    def set_devices(self, user_id: str, devices: list[dict[str, Any]]) -> None:
        self.users[user_id].player.devices = [self._device(user_id, d, i) for i, d in enumerate(devices)]

    def set_active_device(self, user_id: str, device_id: str | None) -> None:
        p = self.users[user_id].player
        if device_id is None:
            p.deactivate_all()
        else:
            p.activate(device_id)

    def device_id(self, user_id: str, name: str) -> str:
        return next(d["id"] for d in self.users[user_id].player.devices if d["name"] == name)

    def _duration_of(self, uri: str) -> int:
        return self.catalog.tracks[uri.rsplit(":", 1)[-1]].duration_ms

    def render_track(self, uri: str) -> Json:
        return self.render.track_uri(uri)

    # ------------------------------------------------------------------------------------------------
    # faults
    # ------------------------------------------------------------------------------------------------
    def fail_next(
        self,
        path_prefix: str,
        status: int,
        *,
        reason: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        method: str | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next `times` requests whose path starts with `path_prefix` with this error.

        `path_prefix` may include "/v1" or not ("/me/player" and "/v1/me/player" are the same)."""
        self.faults.append(
            Fault(
                self._norm_prefix(path_prefix),
                status,
                reason,
                retry_after,
                times,
                method and method.upper(),
                message,
            )
        )

    def drop_next(self, path_prefix: str, *, times: int = 1, method: str | None = None) -> None:
        """Close the connection of the next matching requests without an answer."""
        self.faults.append(
            Fault(self._norm_prefix(path_prefix), 0, None, None, times, method and method.upper(), drop=True)
        )

    @staticmethod
    def _norm_prefix(prefix: str) -> str:
        if not prefix.startswith("/"):
            prefix = "/" + prefix
        if prefix.startswith(("/v1/", "/api/", "/authorize")) or prefix == "/v1":
            return prefix
        return "/v1" + prefix

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.remaining > 0 and path.startswith(fault.path_prefix) and fault.method in (None, method):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------------------------------------
    # HTTP plumbing
    # ------------------------------------------------------------------------------------------------
    def _routes(self) -> list[Route]:
        """(method, path, handler) for every endpoint; the composed server lists its mixins' tables."""
        return []

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=4 * 1024 * 1024)
        r = app.router
        for method, path, handler in self._routes():
            r.add_route(method, path, handler)
            if path.startswith("/v1/"):
                r.add_route(method, path + "/", handler)  # spotipy's me() asks for /v1/me/
        return app

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        body = await request.read()
        record = RecordedRequest(request.method, request.path, dict(request.query))
        if body:
            ctype = request.content_type
            if ctype == "application/x-www-form-urlencoded":
                post = await request.post()
                record.form = {
                    k: str(v) for k, v in post.items() if k not in ("client_secret", "code_verifier")
                }
            else:
                try:
                    record.json = json.loads(body)
                except ValueError:
                    record.json = body.decode("utf-8", "replace")
        grant = self._grant(request)
        record.user_id = grant.user_id if grant is not None else None
        if self.record_requests:
            self.requests.append(record)
        delay = self.user_latency_s.get(record.user_id or "", self.latency_s) + (
            self._rng.uniform(-self.jitter_s, self.jitter_s) if self.jitter_s else 0.0
        )
        if delay > 0:
            await asyncio.sleep(delay)
        fault = self._take_fault(request.method, request.path)
        if fault is not None:
            if fault.drop:
                if request.transport is not None:
                    request.transport.close()
                raise asyncio.CancelledError
            return self._fault_response(request.path, fault)
        try:
            return await handler(request)
        except ApiError as e:
            return e.response(flat=e.status == 400 and request.path.startswith("/v1/me/library"))
        except web.HTTPNotFound:
            return ApiError(404, "Service not found").response()
        except web.HTTPMethodNotAllowed:
            return ApiError(405, "Method not allowed").response()

    def _fault_response(self, path: str, fault: Fault) -> web.Response:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        if fault.status == 429 and not headers:
            headers = {"Retry-After": "1"}
        message = fault.message or DEFAULT_MESSAGES.get(fault.status, "Error")
        if not path.startswith("/v1"):
            code = {429: "rate_limited", 400: "invalid_request"}.get(fault.status, "server_error")
            return web.json_response(
                {"error": code, "error_description": message}, status=fault.status, headers=headers
            )
        return ApiError(fault.status, message, fault.reason, headers).response()

    def _grant(self, request: web.Request) -> AccessGrant | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        return self.accounts.access.get(auth[7:].strip())

    def _user(self, request: web.Request) -> UserState:
        auth = request.headers.get("Authorization", "")
        if not auth:
            raise ApiError(401, "No token provided")
        if not auth.startswith("Bearer "):
            raise ApiError(400, "Only valid bearer authentication supported")
        grant = self.accounts.access.get(auth[7:].strip())
        if grant is None:
            raise ApiError(401, "Invalid access token")
        if grant.expires_at <= self.now():
            raise ApiError(401, "The access token expired")
        user = self.users.get(grant.user_id)
        if user is None:
            raise ApiError(401, "Invalid access token")
        user.player.sync()
        return user

    def _require_scope(self, request: web.Request, scope: str) -> None:
        """403 "Insufficient client scope" when the token was granted without `scope` (None: every scope)."""
        grant = self._grant(request)
        if grant is not None and grant.scope is not None and scope not in grant.scope.split():
            raise ApiError(403, "Insufficient client scope")

    @staticmethod
    async def _json(request: web.Request) -> dict[str, Any]:
        body = await request.read()
        if not body:
            return {}
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError(400, "Error parsing JSON.") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Error parsing JSON.")
        return data

    @staticmethod
    def _int(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
        raw = request.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, f"Invalid {name}") from None
        if not lo <= value <= hi:
            raise ApiError(400, f"Invalid {name}")
        return value

    @staticmethod
    def _ok(status: int = 204) -> web.Response:
        return web.Response(status=status)

    def _resolve_track_uri(self, uri: object) -> str:
        if not isinstance(uri, str):
            raise ApiError(400, "Invalid track uri")
        m = URI_RX.match(uri)
        if m is None or m.group(1) not in ("track", "episode"):
            raise ApiError(400, f"Invalid track uri: {uri}")
        if not is_base62_id(m.group(2)):
            raise ApiError(400, "Invalid base62 id")
        if m.group(2) not in self.catalog.tracks:
            raise ApiError(404, "Resource not found")
        return uri
