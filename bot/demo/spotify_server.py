"""A fake Spotify Web API + accounts service on a loopback aiohttp server, for tests, benchmarks and the demo player.

Interface (stable; other modules and tests depend on it):

    fake = FakeSpotify(latency_s=0.0, jitter_s=0.0, seed=0, include_deprecated=False, token_ttl_s=3600)
    base = await fake.start(host="127.0.0.1", port=0)   # "http://127.0.0.1:PORT"
    fake.api_base        # base + "/v1/"   (spotipy: sp.prefix = fake.api_base)
    fake.accounts_base   # base            (serves /authorize and /api/token like accounts.spotify.com)
    token = fake.add_user("alice", display_name="Alice", premium=True, devices=None)  # a valid access token
    fake.player("alice") -> PlayerState  # .is_playing .item .context_uri .progress_ms .volume .shuffle .repeat
                                         # .queue (uris) .upcoming .device/.active_device .devices .history
    fake.fail_next("/v1/me/player/play", 429, retry_after=5, times=1)   # also 5xx, 403 + reason, ...
    fake.drop_next("/v1/search")         # close the connection without answering
    fake.requests                        # list[RecordedRequest]: method, path, query, json, form, user_id
    fake.catalog                         # the Catalog (track_by_title, album_by_name, artist_by_name, ...)
    fake.advance_clock(seconds)          # let playback time pass without sleeping
    fake.expire_token(token); fake.set_devices(user, devices); fake.set_active_device(user, device_id | None)
    OAuth: fake.register_client(client_id, redirect_uris, client_secret=None)
           fake.queue_authorization(user_id | None, deny=False)  # who approves the next /authorize
           fake.invalidate_refresh_token(token=None, *, user_id=None)  # next refresh -> 400 invalid_grant
           fake.accounts.refresh_rotation = "auto" | "always" | "never"
    await start_demo() -> FakeSpotify    # one user "demo" with 3 devices ("Demo Speaker" active)

Behaviour follows the 2026 Web API for development-mode apps: search limit 1..10 (else 400), library saves on
PUT/DELETE /me/library?uris=..., playlists via POST /me/playlists and /playlists/{id}/items; removed endpoints
(several-ids GETs, top-tracks, recommendations, /playlists/{id}/tracks, /me/tracks PUT...) answer 404 "Service
not found". /v1/me has no `product`/`country`/`email` (deprecated): premium shows only as 403 PREMIUM_REQUIRED on
player commands. Player commands need an active device (404 NO_ACTIVE_DEVICE) unless they name a `device_id`.
GET /me/player and /me/player/currently-playing answer 204 with no body when nothing is loaded.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import random
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.demo.accounts import (
    AUTH_CODE_TTL_S,
    AccessGrant,
    Accounts,
    AuthCode,
    Client,
    Decision,
    OAuthError,
    RefreshGrant,
    check_redirect_uri,
)
from bot.demo.catalog import Catalog, Playlist, fold, is_base62_id, spotify_id
from bot.demo.player import PlayerState
from bot.demo.render import Json, Renderer
from bot.demo.search import SearchIndex, parse_query

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


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class FakeSpotify:
    """The fake Web API + accounts server (see the module docstring for the interface)."""

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

    async def __aenter__(self) -> FakeSpotify:
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
    ) -> str:
        """Create (or reset) a user and return a valid access token with every scope."""
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
        return self.issue_token(user_id)

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
    # OAuth control
    # ------------------------------------------------------------------------------------------------
    def register_client(
        self, client_id: str, redirect_uris: list[str] | tuple[str, ...], client_secret: str | None = None
    ) -> None:
        for uri in redirect_uris:
            check_redirect_uri(uri)
        self.accounts.clients[client_id] = Client(client_id, tuple(redirect_uris), client_secret)

    def queue_authorization(self, user_id: str | None = None, *, deny: bool = False) -> None:
        """Decide the next /authorize: approve as `user_id` (created if new) or deny (error=access_denied)."""
        self.accounts.decisions.append(Decision(user_id, deny))

    def invalidate_refresh_token(self, token: str | None = None, *, user_id: str | None = None) -> None:
        """Revoke one refresh token, every token of a user, or (no arguments) all of them."""
        for rt, grant in self.accounts.refresh.items():
            if (token is None or rt == token) and (user_id is None or grant.user_id == user_id):
                grant.valid = False

    # ------------------------------------------------------------------------------------------------
    # HTTP plumbing
    # ------------------------------------------------------------------------------------------------
    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=4 * 1024 * 1024)
        r = app.router
        routes: list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = [
            ("GET", "/authorize", self._authorize),
            ("POST", "/api/token", self._token),
            ("GET", "/v1/me", self._me),
            ("GET", "/v1/search", self._search),
            ("GET", "/v1/me/player", self._get_player),
            ("PUT", "/v1/me/player", self._transfer),
            ("GET", "/v1/me/player/currently-playing", self._currently_playing),
            ("GET", "/v1/me/player/devices", self._devices),
            ("PUT", "/v1/me/player/play", self._play),
            ("PUT", "/v1/me/player/pause", self._pause),
            ("POST", "/v1/me/player/next", self._next),
            ("POST", "/v1/me/player/previous", self._previous),
            ("PUT", "/v1/me/player/seek", self._seek),
            ("PUT", "/v1/me/player/volume", self._volume),
            ("PUT", "/v1/me/player/shuffle", self._shuffle),
            ("PUT", "/v1/me/player/repeat", self._repeat),
            ("GET", "/v1/me/player/queue", self._get_queue),
            ("POST", "/v1/me/player/queue", self._add_queue),
            ("GET", "/v1/me/player/recently-played", self._recently_played),
            ("GET", "/v1/me/playlists", self._my_playlists),
            ("POST", "/v1/me/playlists", self._create_playlist),
            ("GET", "/v1/playlists/{id}", self._get_playlist),
            ("PUT", "/v1/playlists/{id}", self._change_playlist),
            ("GET", "/v1/playlists/{id}/items", self._playlist_items),
            ("POST", "/v1/playlists/{id}/items", self._add_playlist_items),
            ("PUT", "/v1/playlists/{id}/items", self._replace_playlist_items),
            ("DELETE", "/v1/playlists/{id}/items", self._remove_playlist_items),
            ("GET", "/v1/playlists/{id}/images", self._playlist_images),
            ("PUT", "/v1/me/library", self._save_library),
            ("DELETE", "/v1/me/library", self._remove_library),
            ("GET", "/v1/me/library/contains", self._library_contains),
            ("GET", "/v1/me/tracks", self._saved_tracks),
            ("GET", "/v1/me/albums", self._saved_albums),
            ("GET", "/v1/me/top/{type}", self._top),
            ("GET", "/v1/artists/{id}", self._artist),
            ("GET", "/v1/artists/{id}/albums", self._artist_albums),
            ("GET", "/v1/albums/{id}", self._album),
            ("GET", "/v1/albums/{id}/tracks", self._album_tracks),
            ("GET", "/v1/tracks/{id}", self._track),
        ]
        for method, path, handler in routes:
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

    # ------------------------------------------------------------------------------------------------
    # accounts.spotify.com
    # ------------------------------------------------------------------------------------------------
    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        client = self.accounts.clients.get(q.get("client_id", ""))
        if client is None:
            return web.Response(status=400, text="INVALID_CLIENT: Invalid client")
        redirect_uri = q.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            return web.Response(status=400, text="INVALID_CLIENT: Invalid redirect URI")
        state = q.get("state")

        def back(params: dict[str, str]) -> web.StreamResponse:
            if state is not None:
                params["state"] = state
            sep = "&" if "?" in redirect_uri else "?"
            raise web.HTTPFound(redirect_uri + sep + urlencode(params))

        if q.get("response_type") != "code":
            return back({"error": "unsupported_response_type"})
        method = q.get("code_challenge_method", "S256" if q.get("code_challenge") else "")
        if q.get("code_challenge") and method not in ("S256", "plain"):
            return back({"error": "invalid_request", "error_description": "code_challenge_method"})
        decision = self.accounts.decisions.pop(0) if self.accounts.decisions else Decision(None, False)
        if decision.deny:
            return back({"error": "access_denied"})
        user_id = decision.user_id or next(iter(self.users), None) or "demo_user"
        if user_id not in self.users:
            self.add_user(user_id)
        code = "AQ" + secrets.token_urlsafe(64)
        self.accounts.codes[code] = AuthCode(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            user_id=user_id,
            scope=q.get("scope", ""),
            challenge=q.get("code_challenge"),
            challenge_method=method or "S256",
            expires_at=self.now() + AUTH_CODE_TTL_S,
        )
        return back({"code": code})

    async def _token(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(await self._token_grant(request))
        except OAuthError as e:
            return web.json_response({"error": e.code, "error_description": e.description}, status=e.status)

    async def _token_grant(self, request: web.Request) -> Json:
        form = await request.post()
        client_id = str(form.get("client_id", "")) or None
        secret = str(form["client_secret"]) if "client_secret" in form else None
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                cid, _, sec = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                raise OAuthError("invalid_client", "Invalid client") from None
            client_id, secret = cid, sec
        client = self.accounts.authenticate_client(client_id, secret)
        secret_ok = secret is not None and client.client_secret is not None
        grant_type = str(form.get("grant_type", ""))
        if grant_type == "authorization_code":
            code = self.accounts.redeem_code(
                str(form.get("code", "")),
                client,
                str(form["redirect_uri"]) if "redirect_uri" in form else None,
                str(form["code_verifier"]) if "code_verifier" in form else None,
                secret_ok,
                self.now(),
            )
            refresh = self.accounts.new_refresh(RefreshGrant(code.user_id, client.client_id, code.scope))
            access = self.accounts.new_access(
                AccessGrant(code.user_id, code.scope, self.now() + self.token_ttl_s, client.client_id)
            )
            return {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": self.token_ttl_s,
                "refresh_token": refresh,
                "scope": code.scope,
            }
        if grant_type == "refresh_token":
            rt = str(form.get("refresh_token", ""))
            old = self.accounts.refresh.get(rt)
            if old is None or old.client_id != client.client_id:
                raise OAuthError("invalid_grant", "Invalid refresh token")
            if not old.valid:
                raise OAuthError("invalid_grant", "Refresh token revoked")
            access = self.accounts.new_access(
                AccessGrant(old.user_id, old.scope, self.now() + self.token_ttl_s, client.client_id)
            )
            out: Json = {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": self.token_ttl_s,
                "scope": old.scope,
            }
            rotation = self.accounts.refresh_rotation
            if rotation == "always" or (rotation == "auto" and not secret_ok):
                out["refresh_token"] = self.accounts.new_refresh(
                    RefreshGrant(old.user_id, old.client_id, old.scope)
                )
            return out
        if not grant_type:
            raise OAuthError("unsupported_grant_type", "grant_type parameter is missing")
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type} is not supported")

    # ------------------------------------------------------------------------------------------------
    # profile and search
    # ------------------------------------------------------------------------------------------------
    async def _me(self, request: web.Request) -> web.Response:
        user = self._user(request)
        out: Json = {
            "account_id": spotify_id("account", user.user_id)[:10],
            "display_name": user.display_name,
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user.user_id}"},
            "href": f"{self.api_base}users/{user.user_id}",
            "id": user.user_id,
            "images": [],
            "type": "user",
            "uri": f"spotify:user:{user.user_id}",
        }
        if self.include_deprecated:
            out.update(
                country="ES",
                email=f"{user.user_id}@example.com",
                product="premium" if user.premium else "free",
                followers={"href": None, "total": 0},
                explicit_content={"filter_enabled": False, "filter_locked": False},
            )
        return web.json_response(out)

    async def _search(self, request: web.Request) -> web.Response:
        user = self._user(request)
        q = request.query.get("q", "")
        if not q.strip():
            raise ApiError(400, "No search query")
        raw_types = request.query.get("type")
        if not raw_types:
            raise ApiError(400, "Missing parameter type")
        types = [t.strip() for t in raw_types.split(",")]
        for t in types:
            if t not in SEARCH_TYPES:
                raise ApiError(400, "Bad search type field")
        limit = self._int(request, "limit", 5, 1, 10)
        offset = self._int(request, "offset", 0, 0, 1000)
        if limit + offset > 1000 + limit:
            raise ApiError(400, "Invalid offset")
        query = parse_query(q)
        href = f"{self.api_base}search?{urlencode({'query': q, 'type': ','.join(types)})}"
        out: Json = {}
        for t in types:
            if t == "track":
                ids = self.index.tracks(query)
                page = [self.render.track(self.catalog.tracks[i]) for i in ids[offset : offset + limit]]
                out["tracks"] = self.render.paging(page, href, limit, offset, total=len(ids))
            elif t == "artist":
                ids = self.index.artists(query)
                page = [self.render.artist(self.catalog.artists[i]) for i in ids[offset : offset + limit]]
                out["artists"] = self.render.paging(page, href, limit, offset, total=len(ids))
            elif t == "album":
                ids = self.index.albums(query)
                page = [
                    self.render.simple_album(self.catalog.albums[i]) for i in ids[offset : offset + limit]
                ]
                out["albums"] = self.render.paging(page, href, limit, offset, total=len(ids))
            elif t == "playlist":
                own = [self.user_playlists[p] for p in user.playlist_ids]
                pls = self.index.playlists(query, own)
                page = [self.render.simple_playlist(p) for p in pls[offset : offset + limit]]
                out["playlists"] = self.render.paging(page, href, limit, offset, total=len(pls))
            else:
                out[t + "s"] = self.render.paging([], href, limit, offset, total=0)
        return web.json_response(out)

    # ------------------------------------------------------------------------------------------------
    # player
    # ------------------------------------------------------------------------------------------------
    def _command_target(self, request: web.Request, user: UserState) -> PlayerState:
        """Premium and device checks shared by every player command; activates a named device_id."""
        if not user.premium:
            raise ApiError(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
        p = user.player
        device_id = request.query.get("device_id")
        if device_id:
            device = next((d for d in p.devices if d["id"] == device_id), None)
            if device is None:
                raise ApiError(404, "Device not found")
            if device["is_restricted"]:
                raise restriction_violated()
            if not device["is_active"]:
                p.activate(device_id)
            return p
        device = p.device
        if device is None:
            raise no_active_device()
        if device["is_restricted"]:
            raise restriction_violated()
        return p

    def _playback_json(self, p: PlayerState, *, with_device: bool) -> Json:
        item = p.item
        out: Json = {
            "timestamp": int(time.time() * 1000),
            "context": self.render.context(p.context_uri) if p.context_uri else None,
            "progress_ms": p.progress_ms,
            "is_playing": p.is_playing,
            "item": item,
            "currently_playing_type": "track" if item else "unknown",
            "actions": {
                "interrupting_playback": False,
                "pausing": not p.is_playing,
                "resuming": p.is_playing,
                "seeking": False,
                "skipping_next": False,
                "skipping_prev": False,
                "toggling_repeat_context": False,
                "toggling_shuffle": False,
                "toggling_repeat_track": False,
                "transferring_playback": False,
            },
        }
        if out["context"] is None:
            del out["context"]
        if with_device:
            device = p.device
            out = {
                "device": dict(device) if device else None,
                "repeat_state": p.repeat,
                "shuffle_state": p.shuffle,
                **out,
            }
            if out["device"] is None:
                del out["device"]
        return out

    async def _get_player(self, request: web.Request) -> web.Response:
        p = self._user(request).player
        if p.device is None or p.current_uri is None:
            return self._ok(204)
        return web.json_response(self._playback_json(p, with_device=True))

    async def _currently_playing(self, request: web.Request) -> web.Response:
        p = self._user(request).player
        if p.device is None or p.current_uri is None:
            return self._ok(204)
        return web.json_response(self._playback_json(p, with_device=False))

    async def _devices(self, request: web.Request) -> web.Response:
        p = self._user(request).player
        return web.json_response({"devices": [dict(d) for d in p.devices]})

    async def _transfer(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._json(request)
        if not user.premium:
            raise ApiError(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
        ids = body.get("device_ids")
        if not isinstance(ids, list) or not ids:
            raise ApiError(400, "Required field device_ids missing")
        if len(ids) > 1:
            raise ApiError(400, "Only one device ID is supported")
        p = user.player
        device = next((d for d in p.devices if d["id"] == ids[0]), None)
        if device is None:
            raise ApiError(404, "Device not found")
        if device["is_restricted"]:
            raise restriction_violated()
        p.activate(device["id"])
        if body.get("play") is True and p.current_uri is not None:
            p.resume()
        return self._ok()

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

    async def _play(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._json(request)
        p = self._command_target(request, user)
        context_uri = body.get("context_uri")
        uris = body.get("uris")
        offset = body.get("offset")
        position_ms = body.get("position_ms", 0)
        if not isinstance(position_ms, int) or isinstance(position_ms, bool) or position_ms < 0:
            raise ApiError(400, "position_ms must be a non-negative integer")
        if context_uri is None and uris is None:
            if offset is not None:
                raise ApiError(400, "Offset requires a context_uri or uris")
            if p.current_uri is None:
                raise ApiError(404, "Player command failed: Nothing to play", "UNKNOWN")
            if p.is_playing:
                raise restriction_violated()
            p.resume()
            if "position_ms" in body:
                p.seek(position_ms)
            return self._ok()
        if context_uri is not None and uris is not None:
            raise ApiError(400, "Only one of context_uri and uris can be given")
        if uris is not None:
            if not isinstance(uris, list) or not uris:
                raise ApiError(400, "uris must be a non-empty list")
            tracks = [self._resolve_track_uri(u) for u in uris]
            context = None
        else:
            if not isinstance(context_uri, str):
                raise ApiError(400, "Invalid context uri")
            m = URI_RX.match(context_uri)
            if m is None or m.group(1) not in ("album", "artist", "playlist", "show"):
                raise ApiError(400, f"Invalid context uri: {context_uri}")
            if not is_base62_id(m.group(2)):
                raise ApiError(400, "Invalid base62 id")
            found = self.catalog.context_tracks(context_uri, self.user_playlists)
            if found is None:
                raise ApiError(404, "Resource not found")
            if not found:
                raise ApiError(404, "Player command failed: Context is empty", "UNKNOWN")
            if m.group(1) == "artist" and offset is not None:
                raise ApiError(400, "Offset is not supported for artist contexts")
            tracks, context = found, context_uri
        start = 0
        if offset is not None:
            if not isinstance(offset, dict):
                raise ApiError(400, "Invalid offset")
            if "position" in offset:
                pos = offset["position"]
                if not isinstance(pos, int) or isinstance(pos, bool) or pos < 0:
                    raise ApiError(400, "Invalid offset")
                if pos >= len(tracks):
                    raise ApiError(404, "Player command failed: Offset out of range", "UNKNOWN")
                start = pos
            elif "uri" in offset:
                if offset["uri"] not in tracks:
                    raise ApiError(404, "Player command failed: Offset uri not in context", "UNKNOWN")
                start = tracks.index(offset["uri"])
            else:
                raise ApiError(400, "Invalid offset")
        p.load(tracks, context, start, position_ms)
        return self._ok()

    async def _pause(self, request: web.Request) -> web.Response:
        p = self._command_target(request, self._user(request))
        if not p.is_playing:
            raise restriction_violated()
        p.pause()
        return self._ok()

    async def _next(self, request: web.Request) -> web.Response:
        p = self._command_target(request, self._user(request))
        if p.current_uri is None:
            raise restriction_violated()
        p.next()
        return self._ok()

    async def _previous(self, request: web.Request) -> web.Response:
        p = self._command_target(request, self._user(request))
        if p.current_uri is None:
            raise restriction_violated()
        p.previous()
        return self._ok()

    async def _seek(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if "position_ms" not in request.query:
            raise ApiError(400, "Required parameter position_ms missing")
        position = self._int(request, "position_ms", 0, 0, 2**31)
        p = self._command_target(request, user)
        if p.current_uri is None:
            raise restriction_violated()
        p.seek(position)
        return self._ok()

    async def _volume(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if "volume_percent" not in request.query:
            raise ApiError(400, "Required parameter volume_percent missing")
        volume = self._int(request, "volume_percent", 0, 0, 100)
        p = self._command_target(request, user)
        device = p.device
        assert device is not None  # _command_target guarantees an active device
        if not device["supports_volume"]:
            raise ApiError(
                403, "Player command failed: Cannot control device volume", "VOLUME_CONTROL_DISALLOW"
            )
        device["volume_percent"] = volume
        return self._ok()

    async def _shuffle(self, request: web.Request) -> web.Response:
        user = self._user(request)
        state = request.query.get("state")
        if state not in ("true", "false"):
            raise ApiError(400, "Required parameter state missing or invalid")
        p = self._command_target(request, user)
        p.set_shuffle(state == "true")
        return self._ok()

    async def _repeat(self, request: web.Request) -> web.Response:
        user = self._user(request)
        state = request.query.get("state")
        if state not in ("track", "context", "off"):
            raise ApiError(400, "State must be one of track, context or off")
        p = self._command_target(request, user)
        p.repeat = state
        return self._ok()

    async def _get_queue(self, request: web.Request) -> web.Response:
        p = self._user(request).player
        body: dict[str, object] = {"queue": [self.render_track(u) for u in p.upcoming]}
        if p.item is not None:  # the spec has no null here: leave the key out when nothing is loaded
            body["currently_playing"] = p.item
        return web.json_response(body)

    async def _add_queue(self, request: web.Request) -> web.Response:
        user = self._user(request)
        uri = request.query.get("uri")
        if not uri:
            raise ApiError(400, "Required parameter uri missing")
        uri = self._resolve_track_uri(uri)
        p = self._command_target(request, user)
        if p.current_uri is None:
            raise no_active_device()
        p.add_to_queue(uri)
        return self._ok()

    async def _recently_played(self, request: web.Request) -> web.Response:
        user = self._user(request)
        limit = self._int(request, "limit", 20, 1, 50)
        wall_offset = time.time() - self.now()
        items = [
            {
                "track": self.render_track(uri),
                "played_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at + wall_offset)),
                "context": self.render.context(ctx) if ctx else None,
            }
            for uri, ctx, at in reversed(user.player.history)
        ][:limit]
        for item in items:
            if item["context"] is None:
                del item["context"]
        href = f"{self.api_base}me/player/recently-played"
        # The spec's cursor fields are non-nullable strings: unix-ms bounds of this page.
        oldest = int((user.player.history[0][2] + wall_offset) * 1000) if user.player.history else 0
        newest = int((user.player.history[-1][2] + wall_offset) * 1000) if user.player.history else 0
        return web.json_response(
            {
                "href": f"{href}?limit={limit}",
                "limit": limit,
                "next": f"{href}?before={oldest}&limit={limit}",
                "cursors": {"after": str(newest), "before": str(oldest)},
                "total": len(items),
                "items": items,
            }
        )

    # ------------------------------------------------------------------------------------------------
    # playlists
    # ------------------------------------------------------------------------------------------------
    def _playlist(self, playlist_id: str) -> Playlist:
        if not is_base62_id(playlist_id):
            raise ApiError(400, "Invalid base62 id")
        pl = self.user_playlists.get(playlist_id) or self.catalog.playlists.get(playlist_id)
        if pl is None:
            raise ApiError(404, "Resource not found")
        return pl

    def _owned(self, user: UserState, playlist_id: str) -> Playlist:
        pl = self._playlist(playlist_id)
        if pl.owner_id != user.user_id and not pl.collaborative:
            raise ApiError(403, "Forbidden")
        return pl

    async def _my_playlists(self, request: web.Request) -> web.Response:
        user = self._user(request)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        owned = [self.user_playlists[p] for p in reversed(user.playlist_ids)]
        followed = [
            self._playlist(uri.rsplit(":", 1)[-1])
            for uri in user.library
            if uri.startswith("spotify:playlist:")
        ]
        all_pls = list({p.id: p for p in [*owned, *followed]}.values())
        page = [self.render.simple_playlist(p) for p in all_pls[offset : offset + limit]]
        return web.json_response(
            self.render.paging(page, f"{self.api_base}me/playlists", limit, offset, total=len(all_pls))
        )

    async def _create_playlist(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._json(request)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, "Missing required field: name")
        public = body.get("public", True)
        collaborative = bool(body.get("collaborative", False))
        if collaborative and public:
            raise ApiError(400, "Collaborative playlists can't be public")
        pl = Playlist(
            id=spotify_id("playlist", f"{user.user_id}/{len(self.user_playlists)}/{secrets.token_hex(4)}"),
            name=name,
            description=str(body.get("description", "")),
            owner_id=user.user_id,
            owner_name=user.display_name,
            public=bool(public),
            collaborative=collaborative,
            track_uris=[],
            added_at=[],
            folded=fold(name),
        )
        self.user_playlists[pl.id] = pl
        user.playlist_ids.append(pl.id)
        return web.json_response(self.render.playlist(pl, with_items=True), status=201)

    async def _get_playlist(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._playlist(request.match_info["id"])
        mine = pl.owner_id == user.user_id or pl.collaborative
        return web.json_response(self.render.playlist(pl, with_items=mine))

    async def _change_playlist(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        body = await self._json(request)
        if "name" in body:
            pl.name = str(body["name"])
            pl.folded = fold(pl.name)
        if "description" in body:
            pl.description = str(body["description"])
        if "public" in body:
            pl.public = bool(body["public"])
        if "collaborative" in body:
            pl.collaborative = bool(body["collaborative"])
        pl.version += 1
        return self._ok(200)

    async def _playlist_items(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        return web.json_response(self.render.playlist_items(pl, limit, offset))

    def _uris_from(self, request: web.Request, body: dict[str, Any]) -> list[str]:
        if "uris" in request.query:
            uris: Any = [u.strip() for u in request.query["uris"].split(",") if u.strip()]
        else:
            uris = body.get("uris")
        if not isinstance(uris, list) or not uris:
            raise ApiError(400, "No uris provided")
        if len(uris) > 100:
            raise ApiError(400, "You can add a maximum of 100 tracks per request.")
        return [self._resolve_track_uri(u) for u in uris]

    async def _add_playlist_items(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        raw = await request.read()
        # spotipy's playlist_add_items sends a bare JSON array: the real API takes it, the spec does not.
        body = {"uris": json.loads(raw)} if raw.lstrip().startswith(b"[") else await self._json(request)
        uris = self._uris_from(request, body)
        raw_pos: Any = request.query.get("position", body.get("position"))
        position = len(pl.track_uris)
        if raw_pos is not None:
            try:
                position = int(raw_pos)
            except (TypeError, ValueError):
                raise ApiError(400, "Invalid position") from None
            if not 0 <= position <= len(pl.track_uris):
                raise ApiError(400, "Index out of bounds")
        now = _now_iso()
        pl.track_uris[position:position] = uris
        pl.added_at[position:position] = [now] * len(uris)
        pl.version += 1
        return web.json_response({"snapshot_id": pl.snapshot_id}, status=201)

    async def _replace_playlist_items(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        body = await self._json(request)
        if "uris" in request.query or "uris" in body:
            uris = (
                []
                if body.get("uris") == [] and "uris" not in request.query
                else self._uris_from(request, body)
            )
            pl.track_uris = uris
            pl.added_at = [_now_iso()] * len(uris)
        elif "range_start" in body and "insert_before" in body:
            start, before = body["range_start"], body["insert_before"]
            length = body.get("range_length", 1)
            n = len(pl.track_uris)
            if not (isinstance(start, int) and isinstance(before, int) and isinstance(length, int)):
                raise ApiError(400, "Invalid reorder request")
            if not (0 <= start < n and 0 <= before <= n and 1 <= length <= n - start):
                raise ApiError(400, "Index out of bounds")
            pairs = list(zip(pl.track_uris, pl.added_at, strict=True))
            moved = pairs[start : start + length]
            rest = pairs[:start] + pairs[start + length :]
            insert_at = before if before <= start else before - length
            rest[insert_at:insert_at] = moved
            pl.track_uris = [u for u, _ in rest]
            pl.added_at = [a for _, a in rest]
        else:
            raise ApiError(400, "Either uris or range_start and insert_before are required")
        pl.version += 1
        return web.json_response({"snapshot_id": pl.snapshot_id})

    async def _remove_playlist_items(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        body = await self._json(request)
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise ApiError(400, "Missing required field: items")
        if len(items) > 100:
            raise ApiError(400, "You can remove a maximum of 100 tracks per request.")
        remove = {self._resolve_track_uri(i.get("uri") if isinstance(i, dict) else None) for i in items}
        keep = [(u, a) for u, a in zip(pl.track_uris, pl.added_at, strict=True) if u not in remove]
        pl.track_uris = [u for u, _ in keep]
        pl.added_at = [a for _, a in keep]
        pl.version += 1
        return web.json_response({"snapshot_id": pl.snapshot_id})

    async def _playlist_images(self, request: web.Request) -> web.Response:
        self._user(request)
        pl = self._playlist(request.match_info["id"])
        return web.json_response(self.render.simple_playlist(pl)["images"])

    # ------------------------------------------------------------------------------------------------
    # library
    # ------------------------------------------------------------------------------------------------
    def _library_uris(self, request: web.Request, kinds: frozenset[str]) -> list[str]:
        raw = request.query.get("uris")
        if not raw:
            raise ApiError(400, "Missing required parameter: uris")
        uris = [u.strip() for u in raw.split(",") if u.strip()]
        if len(uris) > 40:
            raise ApiError(400, "Too many URIs requested. Maximum: 40")
        for uri in uris:
            m = URI_RX.match(uri)
            if m is None:
                raise ApiError(400, f"Invalid URI: {uri}")
            if m.group(1) not in kinds:
                raise ApiError(400, f"Unsupported URI type: {m.group(1)}")
            if m.group(1) != "user" and not is_base62_id(m.group(2)):
                raise ApiError(400, "Invalid base62 id")
        return uris

    async def _save_library(self, request: web.Request) -> web.Response:
        user = self._user(request)
        now = _now_iso()
        for uri in self._library_uris(request, LIBRARY_SAVE_KINDS):
            user.library.pop(uri, None)
            user.library[uri] = now
        return self._ok(200)

    async def _remove_library(self, request: web.Request) -> web.Response:
        user = self._user(request)
        for uri in self._library_uris(request, LIBRARY_SAVE_KINDS):
            user.library.pop(uri, None)
        return self._ok(200)

    async def _library_contains(self, request: web.Request) -> web.Response:
        user = self._user(request)
        uris = self._library_uris(request, LIBRARY_CONTAINS_KINDS)
        return web.json_response([uri in user.library for uri in uris])

    def _saved(self, user: UserState, kind: str) -> list[tuple[str, str]]:
        prefix = f"spotify:{kind}:"
        return [
            (uri[len(prefix) :], at) for uri, at in reversed(user.library.items()) if uri.startswith(prefix)
        ]

    async def _saved_tracks(self, request: web.Request) -> web.Response:
        user = self._user(request)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        saved = [(i, at) for i, at in self._saved(user, "track") if i in self.catalog.tracks]
        page = [
            {"added_at": at, "track": self.render.track(self.catalog.tracks[i])}
            for i, at in saved[offset : offset + limit]
        ]
        return web.json_response(
            self.render.paging(page, f"{self.api_base}me/tracks", limit, offset, total=len(saved))
        )

    async def _saved_albums(self, request: web.Request) -> web.Response:
        user = self._user(request)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        saved = [(i, at) for i, at in self._saved(user, "album") if i in self.catalog.albums]
        page = [
            {"added_at": at, "album": self.render.album(self.catalog.albums[i])}
            for i, at in saved[offset : offset + limit]
        ]
        return web.json_response(
            self.render.paging(page, f"{self.api_base}me/albums", limit, offset, total=len(saved))
        )

    async def _top(self, request: web.Request) -> web.Response:
        user = self._user(request)
        kind = request.match_info["type"]
        if kind not in ("artists", "tracks"):
            raise ApiError(404, "Service not found")
        if request.query.get("time_range", "medium_term") not in ("long_term", "medium_term", "short_term"):
            raise ApiError(400, "Invalid time_range")
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        rng = random.Random(f"top:{user.user_id}:{kind}")
        items: list[Json]
        if kind == "tracks":
            pool = sorted(self.catalog.tracks.values(), key=lambda t: -t.popularity)[:200]
            picks = rng.sample(pool, 50)
            items = [self.render.track(t) for t in picks]
        else:
            apool = sorted(self.catalog.artists.values(), key=lambda a: -a.popularity)[:40]
            items = [self.render.artist(a) for a in rng.sample(apool, 20)]
        return web.json_response(self.render.paging(items, f"{self.api_base}me/top/{kind}", limit, offset))

    # ------------------------------------------------------------------------------------------------
    # catalog objects
    # ------------------------------------------------------------------------------------------------
    def _lookup_id(self, request: web.Request, table: dict[str, Any]) -> Any:
        item_id = request.match_info["id"]
        if not is_base62_id(item_id):
            raise ApiError(400, "Invalid base62 id")
        item = table.get(item_id)
        if item is None:
            raise ApiError(404, "Resource not found")
        return item

    async def _artist(self, request: web.Request) -> web.Response:
        self._user(request)
        return web.json_response(self.render.artist(self._lookup_id(request, self.catalog.artists)))

    async def _artist_albums(self, request: web.Request) -> web.Response:
        self._user(request)
        artist = self._lookup_id(request, self.catalog.artists)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        groups = set(request.query.get("include_groups", "album,single,compilation,appears_on").split(","))
        albums = [
            self.catalog.albums[a] for a in artist.album_ids if self.catalog.albums[a].album_type in groups
        ]
        albums.sort(key=lambda al: al.release_date, reverse=True)
        items = [self.render.simple_album(al, group=True) for al in albums]
        return web.json_response(
            self.render.paging(items, f"{self.api_base}artists/{artist.id}/albums", limit, offset)
        )

    async def _album(self, request: web.Request) -> web.Response:
        self._user(request)
        return web.json_response(self.render.album(self._lookup_id(request, self.catalog.albums)))

    async def _album_tracks(self, request: web.Request) -> web.Response:
        self._user(request)
        album = self._lookup_id(request, self.catalog.albums)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        items = [self.render.simple_track(self.catalog.tracks[t]) for t in album.track_ids]
        return web.json_response(
            self.render.paging(items, f"{self.api_base}albums/{album.id}/tracks", limit, offset)
        )

    async def _track(self, request: web.Request) -> web.Response:
        self._user(request)
        return web.json_response(self.render.track(self._lookup_id(request, self.catalog.tracks)))


DEMO_DEVICES: list[dict[str, Any]] = [
    {"name": "Demo Speaker", "type": "Speaker", "is_active": True, "volume_percent": 55},
    {"name": "Demo Laptop", "type": "Computer", "volume_percent": 70},
    {"name": "Demo TV", "type": "TV", "supports_volume": False},
]


async def start_demo(
    *, host: str = "127.0.0.1", port: int = 0, user_id: str = "demo", display_name: str = "Demo User"
) -> FakeSpotify:
    """Start a fake with one premium demo user and three devices ("Demo Speaker" active).

    The user's access token is `fake.demo_token`; it lasts a year."""
    fake = FakeSpotify(token_ttl_s=365 * 24 * 3600)
    await fake.start(host, port)
    fake.demo_token = fake.add_user(user_id, display_name=display_name, premium=True, devices=DEMO_DEVICES)
    return fake
