"""Linking a Discord user to a Spotify account: Authorization Code with PKCE, token refresh, unlinking.

`LinkService` is also the `TokenProvider` sessions use: `access_token(user_id)` refreshes ahead of expiry.
HTTP goes through one lazily created aiohttp session with explicit timeouts; tokens and codes are never logged.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp

from bot.config import Settings
from bot.errors import UserFacingError
from bot.i18n import normalise_lang, t
from bot.spotify.errors import LinkExpired, NotLinked, SpotifyUnavailable
from bot.storage.repository import LinkedAccount, OAuthState, Repository, SpotifyToken

log = logging.getLogger(__name__)

# Only what the features need: playback control and state, playlists (find, add to, create), liking a track,
# and the listening reads behind personal recommendations (top items, recently played, saved-track checks).
SCOPES: tuple[str, ...] = (
    "user-read-playback-state",
    "user-modify-playback-state",
    "user-read-currently-playing",
    "playlist-read-private",
    "playlist-modify-private",
    "playlist-modify-public",
    "user-library-modify",
    "user-top-read",
    "user-read-recently-played",
    "user-library-read",
)
STATE_TTL_S = 600.0  # a link started with /spotify link works for 10 minutes
REFRESH_MARGIN_S = 60.0  # refresh this long before the access token expires
CLIENT_ID_PATTERN = re.compile(r"^[0-9a-fA-F]{32}$")


class SpotifyNotConfigured(UserFacingError):
    key = "account.not_configured"


class InvalidClientId(UserFacingError):
    key = "account.client_id_invalid"


@dataclass(slots=True)
class LinkResult:
    """How a link attempt ended: `key` (+ `params`) is what the user reads, in `lang`."""

    ok: bool
    key: str
    params: dict[str, object] = field(default_factory=dict)
    lang: str = "en"
    account: LinkedAccount | None = field(default=None, repr=False)
    guild_id: int | None = None
    user_id: int | None = None
    became_controller: bool = False

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang or self.lang, **self.params)


LinkListener = Callable[[LinkResult], Awaitable[None]]


class _TokenEndpointError(Exception):
    """Spotify's token endpoint refused (`error` is its OAuth error code, e.g. invalid_grant)."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"token endpoint answered {status} {error}")
        self.status = status
        self.error = error


class _SpotifyDown(Exception):
    """Network failure, timeout, or an unusable answer."""


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def parse_redirect(text: str) -> dict[str, str]:
    """The query parameters of a pasted redirect URL (or of a bare `code=...&state=...` string)."""
    cleaned = text.strip().strip("<>").strip()
    query = urlsplit(cleaned).query if "?" in cleaned else cleaned
    parsed = parse_qs(query, keep_blank_values=False)
    return {name: values[0].strip() for name, values in parsed.items() if values}


class LinkService:
    """Starts and completes Spotify links, and hands out fresh access tokens (a `TokenProvider`)."""

    def __init__(
        self,
        repo: Repository,
        settings: Settings,
        *,
        accounts_base: str | None = None,
        api_base: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._repo = repo
        self._settings = settings
        self._accounts_base = (accounts_base or settings.spotify_accounts_base).rstrip("/")
        self._api_base = (api_base or settings.spotify_api_base).rstrip("/")
        self._clock = clock
        self._timeout = aiohttp.ClientTimeout(total=settings.spotify_timeout_s)
        self._http: aiohttp.ClientSession | None = None
        self._user_locks: dict[int, asyncio.Lock] = {}
        self._guild_lock = asyncio.Lock()
        self._listeners: list[LinkListener] = []

    # -- configuration ------------------------------------------------------------------------------

    def redirect_uri(self) -> str:
        """{PUBLIC_BASE_URL}/callback when a public URL is set, else SPOTIFY_REDIRECT_URI (127.0.0.1)."""
        if self._settings.public_base_url:
            return self._settings.public_base_url.rstrip("/") + "/callback"
        return self._settings.spotify_redirect_uri

    async def set_guild_client_id(self, guild_id: int, client_id: str | None) -> str:
        """Use the guild's own Spotify app (None: the bot's). Returns the redirect URI to add to that app."""
        cleaned = client_id.strip() if client_id else None
        if cleaned and not CLIENT_ID_PATTERN.fullmatch(cleaned):
            raise InvalidClientId()
        await self._repo.update_guild_settings(
            guild_id, spotify_client_id=cleaned.lower() if cleaned else None
        )
        log.info("guild %s Spotify app %s", guild_id, "set" if cleaned else "cleared")
        return self.redirect_uri()

    def add_link_listener(self, listener: LinkListener) -> None:
        """Called after a link completed through the web callback (e.g. to DM the user)."""
        self._listeners.append(listener)

    # -- starting and completing a link ---------------------------------------------------------------

    async def start_link(self, user_id: int, guild_id: int | None, lang: str) -> str:
        """A single-use authorize URL bound to this user (and guild), valid for STATE_TTL_S."""
        client_id = await self._client_id_for(guild_id)
        verifier = secrets.token_urlsafe(64)
        state = OAuthState(
            state=secrets.token_urlsafe(32),
            user_id=user_id,
            guild_id=guild_id,
            code_verifier=verifier,
            client_id=client_id,
            redirect_uri=self.redirect_uri(),
            created_at=self._clock(),
            lang=normalise_lang(lang),
        )
        await self._repo.save_oauth_state(state)
        query = urlencode(
            {
                "client_id": client_id,
                "response_type": "code",
                "redirect_uri": state.redirect_uri,
                "state": state.state,
                "scope": " ".join(SCOPES),
                "code_challenge_method": "S256",
                "code_challenge": pkce_challenge(verifier),
                "show_dialog": "true",
            }
        )
        return f"{self._accounts_base}/authorize?{query}"

    async def _client_id_for(self, guild_id: int | None) -> str:
        if guild_id is not None:
            guild = await self._repo.get_guild_settings(guild_id)
            if guild.spotify_client_id:
                return guild.spotify_client_id
        if not self._settings.spotify_client_id:
            raise SpotifyNotConfigured()
        return self._settings.spotify_client_id

    async def complete(
        self, *, state: str, code: str | None, error: str | None, lang: str | None = None
    ) -> LinkResult:
        """Finish a link from the OAuth callback. `lang` is used only when the state is unknown."""
        result = await self._complete(state, code, error, fallback_lang=lang)
        if result.ok:
            await self._notify(result)
        return result

    async def complete_from_url(self, url: str, user_id: int, *, lang: str | None = None) -> LinkResult:
        """Finish a link from the redirect URL the user pasted; the state must be this user's."""
        params = parse_redirect(url)
        fallback = normalise_lang(lang or self._settings.default_language)
        state_value = params.get("state")
        if not state_value or not (params.get("code") or params.get("error")):
            return LinkResult(False, "account.paste_invalid", {"redirect_uri": self.redirect_uri()}, fallback)
        stored = await self._repo.pop_oauth_state(state_value)
        if stored is not None and stored.user_id != user_id:
            await self._repo.save_oauth_state(stored)  # leave it usable by its owner
            log.warning("user %s pasted a link state that belongs to another user", user_id)
            return LinkResult(False, "account.wrong_user", {}, fallback, user_id=user_id)
        return await self._finish(stored, params.get("code"), params.get("error"), fallback_lang=fallback)

    async def _complete(
        self, state: str, code: str | None, error: str | None, *, fallback_lang: str | None
    ) -> LinkResult:
        stored = await self._repo.pop_oauth_state(state) if state else None
        return await self._finish(stored, code, error, fallback_lang=fallback_lang)

    async def _finish(
        self, stored: OAuthState | None, code: str | None, error: str | None, *, fallback_lang: str | None
    ) -> LinkResult:
        if stored is None:
            lang = normalise_lang(fallback_lang or self._settings.default_language)
            return LinkResult(False, "account.state_invalid", {}, lang)
        lang, user_id, guild_id = stored.lang, stored.user_id, stored.guild_id

        def failed(key: str) -> LinkResult:
            return LinkResult(False, key, {}, lang, guild_id=guild_id, user_id=user_id)

        if self._clock() - stored.created_at > STATE_TTL_S:
            return failed("account.state_expired")
        if error:
            log.info("user %s did not authorise Spotify (%s)", user_id, error[:40])
            return failed("account.denied" if error == "access_denied" else "account.link_failed")
        if not code:
            return failed("account.link_failed")
        try:
            account = await self._exchange_code(stored, code)
        except (_TokenEndpointError, _SpotifyDown) as exc:
            log.warning("linking user %s failed: %s", user_id, exc)
            return failed("account.link_failed")
        await self._repo.save_account(account)
        became_controller = guild_id is not None and await self._claim_controller(guild_id, user_id)
        log.info("user %s linked Spotify (controller of guild %s: %s)", user_id, guild_id, became_controller)
        return LinkResult(
            True,
            "account.linked_controller" if became_controller else "account.linked",
            {"name": account.display_name},
            lang,
            account=account,
            guild_id=guild_id,
            user_id=user_id,
            became_controller=became_controller,
        )

    async def _claim_controller(self, guild_id: int, user_id: int) -> bool:
        """Make `user_id` the guild's controller if it has none (or already is). True when they control it."""
        async with self._guild_lock:
            guild = await self._repo.get_guild_settings(guild_id)
            if guild.controller_user_id is None:
                await self._repo.update_guild_settings(guild_id, controller_user_id=user_id)
                return True
            return guild.controller_user_id == user_id

    async def _notify(self, result: LinkResult) -> None:
        for listener in list(self._listeners):
            try:
                await listener(result)
            except Exception:
                log.exception("link listener failed")

    async def _exchange_code(self, stored: OAuthState, code: str) -> LinkedAccount:
        payload = await self._post_token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": stored.redirect_uri,
                "code_verifier": stored.code_verifier,
            },
            stored.client_id,
        )
        token = self._token_from(payload, previous_refresh=None)
        me = await self._get_me(token.access_token)
        spotify_id = str(me["id"])
        return LinkedAccount(
            user_id=stored.user_id,
            spotify_id=spotify_id,
            display_name=str(me.get("display_name") or spotify_id),
            client_id=stored.client_id,
            token=token,
            scopes=token.scope.split() if token.scope else list(SCOPES),
            needs_relink=False,
            linked_at=self._clock(),
        )

    # -- status, unlink, tokens -----------------------------------------------------------------------

    async def status(self, user_id: int) -> LinkedAccount | None:
        return await self._repo.get_account(user_id)

    async def unlink(self, user_id: int) -> bool:
        """Delete the user's tokens (guilds they controlled lose their controller). False if not linked."""
        async with self._lock_for(user_id):
            removed = await self._repo.delete_account(user_id)
        if removed:
            log.info("user %s unlinked Spotify", user_id)
        return removed

    def _lock_for(self, user_id: int) -> asyncio.Lock:
        lock = self._user_locks.get(user_id)
        if lock is None:
            lock = self._user_locks[user_id] = asyncio.Lock()
        return lock

    async def access_token(self, user_id: int) -> str:
        """A valid access token, refreshed REFRESH_MARGIN_S before expiry. Raises NotLinked or LinkExpired."""
        async with self._lock_for(user_id):
            account = await self._repo.get_account(user_id)
            if account is None:
                raise NotLinked()
            if account.needs_relink:
                raise LinkExpired()
            token = account.token
            now = self._clock()
            if token.expires_at - REFRESH_MARGIN_S > now:
                return token.access_token
            if not token.refresh_token:
                await self._repo.mark_needs_relink(user_id)
                raise LinkExpired()
            try:
                payload = await self._post_token(
                    {"grant_type": "refresh_token", "refresh_token": token.refresh_token}, account.client_id
                )
                fresh = self._token_from(payload, previous_refresh=token.refresh_token)
            except _TokenEndpointError as exc:
                if exc.error == "invalid_grant":
                    log.info("Spotify refused the refresh token of user %s: relink needed", user_id)
                    await self._repo.mark_needs_relink(user_id)
                    raise LinkExpired() from None
                log.warning("refreshing the token of user %s failed: %s", user_id, exc)
                return self._still_valid(token, now)
            except _SpotifyDown as exc:
                log.warning("refreshing the token of user %s failed: %s", user_id, exc)
                return self._still_valid(token, now)
            await self._repo.update_token(user_id, fresh)
            return fresh.access_token

    @staticmethod
    def _still_valid(token: SpotifyToken, now: float) -> str:
        if token.expires_at > now:
            return token.access_token
        raise SpotifyUnavailable()

    # -- HTTP -----------------------------------------------------------------------------------------

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=self._timeout)
        return self._http

    async def aclose(self) -> None:
        if self._http is not None and not self._http.closed:
            await self._http.close()
        self._http = None

    def _basic_auth_for(self, client_id: str) -> str | None:
        """HTTP Basic credentials when the client secret is configured and `client_id` is the bot's app."""
        secret = self._settings.spotify_client_secret
        if secret is None or client_id != self._settings.spotify_client_id:
            return None
        raw = f"{client_id}:{secret.get_secret_value()}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    async def _post_token(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        auth = self._basic_auth_for(client_id)
        if auth:
            headers["Authorization"] = auth
        body = {**form, "client_id": client_id}
        try:
            async with self._session().post(
                f"{self._accounts_base}/api/token", data=body, headers=headers
            ) as resp:
                status = resp.status
                try:
                    payload = await resp.json(content_type=None)
                except ValueError:
                    payload = None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _SpotifyDown(f"token endpoint unreachable ({type(exc).__name__})") from None
        if not isinstance(payload, dict):
            raise _SpotifyDown(f"token endpoint answered {status} without JSON")
        if status == 200 and isinstance(payload.get("access_token"), str):
            return payload
        if 400 <= status < 500 and isinstance(payload.get("error"), str):
            raise _TokenEndpointError(status, payload["error"][:60])
        raise _SpotifyDown(f"token endpoint answered {status}")

    def _token_from(self, payload: dict[str, Any], *, previous_refresh: str | None) -> SpotifyToken:
        try:
            expires_in = float(payload.get("expires_in", 3600))
        except (TypeError, ValueError):
            expires_in = 3600.0
        refresh = payload.get("refresh_token")
        return SpotifyToken(
            access_token=str(payload["access_token"]),
            refresh_token=refresh if isinstance(refresh, str) and refresh else previous_refresh,
            expires_at=self._clock() + expires_in,
            scope=str(payload.get("scope") or ""),
        )

    async def _get_me(self, access_token: str) -> dict[str, Any]:
        try:
            async with self._session().get(
                f"{self._api_base}/me", headers={"Authorization": f"Bearer {access_token}"}
            ) as resp:
                status = resp.status
                try:
                    me = await resp.json(content_type=None)
                except ValueError:
                    me = None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _SpotifyDown(f"/me unreachable ({type(exc).__name__})") from None
        if status != 200 or not isinstance(me, dict) or not me.get("id"):
            raise _SpotifyDown(f"/me answered {status}")
        return me

    def __repr__(self) -> str:
        return f"LinkService(accounts_base={self._accounts_base!r})"
