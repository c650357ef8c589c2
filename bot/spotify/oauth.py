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
from bot.spotify.errors import AppRejected, GuildAppRejected, LinkExpired, NotLinked, SpotifyUnavailable
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
APP_RECHECK_S = (
    3600.0  # an app Spotify refused (invalid_client) is tried again at most hourly, or once reconfigured
)
RESAVE_INTERVAL_S = 30.0  # a refreshed token that could not be saved is saved again at most this often
CONFIG_ERRORS = frozenset({"invalid_client", "unauthorized_client"})  # the app, not the user, is the problem
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


@dataclass(slots=True)
class _UnsavedToken:
    """A refreshed token the database refused to store (e.g. disk full): used from memory, saved later."""

    token: SpotifyToken
    refreshed_from: str | None  # the refresh token stored when this one was obtained
    tried_at: float


def _describe(exc: BaseException) -> str:
    """A short, secret-free description of a storage failure for the log."""
    return f"{type(exc).__name__}: {str(exc)[:120]}"


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
        self._listeners: list[LinkListener] = []
        self._unsaved: dict[int, _UnsavedToken] = {}
        self._refused_apps: dict[str, float] = {}  # client id -> when Spotify answered invalid_client

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
        self._refused_apps.clear()  # a reconfigured app is worth trying again
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
            state=secrets.token_urlsafe(16),  # 128 bits; short, so the authorize URL fits a link button
            user_id=user_id,
            guild_id=guild_id,
            code_verifier=verifier,
            client_id=client_id,
            redirect_uri=self.redirect_uri(),
            created_at=self._clock(),
            lang=normalise_lang(lang),
        )
        await self._repo.save_oauth_state(state)
        # Shorter when it can be (a link button without a web server takes at most 512 characters).
        url = self._authorize_url(state)
        return url if len(url) <= 512 else self._authorize_url(state, show_dialog=False)

    def _authorize_url(self, state: OAuthState, *, show_dialog: bool = True) -> str:
        params = {
            "client_id": state.client_id,
            "response_type": "code",
            "redirect_uri": state.redirect_uri,
            "state": state.state,
            "scope": " ".join(SCOPES),
            "code_challenge_method": "S256",
            "code_challenge": pkce_challenge(state.code_verifier),
        }
        if show_dialog:
            params["show_dialog"] = "true"
        return f"{self._accounts_base}/authorize?{urlencode(params)}"

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
        async with self._lock_for(user_id):  # never interleaved with a refresh of the previous link
            await self._repo.save_account(account)
            self._unsaved.pop(user_id, None)
        self._refused_apps.pop(account.client_id, None)
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
        """Make `user_id` the guild's controller if it has none (or already is). True when they control it.
        One step in the store: two processes completing links for one guild at once cannot both win."""
        return await self._repo.claim_controller(guild_id, user_id)

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
            self._unsaved.pop(user_id, None)
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
        return await self._access_token(user_id, rejected=None)

    async def replace_rejected(self, user_id: int, token: str) -> str:
        """Spotify answered 401 to `token`: refresh once (unless a newer token is already in use) and return
        the token to retry with. Raises LinkExpired when Spotify refuses the refresh too."""
        return await self._access_token(user_id, rejected=token)

    async def _access_token(self, user_id: int, *, rejected: str | None) -> str:
        async with self._lock_for(user_id):
            account = await self._repo.get_account(user_id)
            if (
                account is not None
                and not account.needs_relink
                and rejected is None
                and user_id not in self._unsaved
                and account.token.expires_at - REFRESH_MARGIN_S > self._clock()
            ):
                return account.token.access_token  # the common case: no refresh, no cross-process lock
            # Single-flight across processes too: whoever holds the lock refreshes; the others re-read the
            # account after it and use the token it stored (the old refresh token may have been rotated).
            async with self._repo.refresh_lock(user_id):
                return await self._current_or_refreshed(user_id, rejected=rejected)

    async def _current_or_refreshed(self, user_id: int, *, rejected: str | None) -> str:
        """Under both locks: re-read the account, then refresh unless another process just did."""
        account = await self._repo.get_account(user_id)
        if account is None:
            self._unsaved.pop(user_id, None)
            raise NotLinked()
        if account.needs_relink:
            raise LinkExpired()
        stored_refresh = account.token.refresh_token
        token = await self._in_use(account)
        now = self._clock()
        if rejected is not None and rejected != token.access_token:
            return token.access_token  # already replaced since that request was sent
        forced = rejected is not None
        if not forced and token.expires_at - REFRESH_MARGIN_S > now:
            return token.access_token
        if not token.refresh_token:
            await self._repo.mark_needs_relink(user_id)
            raise LinkExpired()
        refused_at = self._refused_apps.get(account.client_id)
        if refused_at is not None and now - refused_at < APP_RECHECK_S:
            return self._usable_or(token, now, forced, self._app_rejected(account.client_id))
        try:
            payload = await self._post_token(
                {"grant_type": "refresh_token", "refresh_token": token.refresh_token}, account.client_id
            )
            fresh = self._token_from(payload, previous_refresh=token.refresh_token)
        except _TokenEndpointError as exc:
            if exc.error == "invalid_grant":
                log.info("Spotify refused the refresh token of user %s: relink needed", user_id)
                self._unsaved.pop(user_id, None)
                await self._repo.mark_needs_relink(user_id, if_refresh_token=stored_refresh)
                raise LinkExpired() from None
            if exc.error in CONFIG_ERRORS:
                self._refused_apps[account.client_id] = now
                log.error(
                    "Spotify refused the app %s (%s) while refreshing the token of user %s: the app was "
                    "deleted or its credentials are wrong; its refreshes pause until it is reconfigured",
                    account.client_id,
                    exc.error,
                    user_id,
                )
                return self._usable_or(token, now, forced, self._app_rejected(account.client_id))
            log.warning("refreshing the token of user %s failed: %s", user_id, exc)
            return self._usable_or(token, now, forced, SpotifyUnavailable())
        except _SpotifyDown as exc:
            log.warning("refreshing the token of user %s failed: %s", user_id, exc)
            return self._usable_or(token, now, forced, SpotifyUnavailable())
        self._refused_apps.pop(account.client_id, None)
        return await self._store_refreshed(user_id, fresh, refreshed_from=stored_refresh)

    async def _in_use(self, account: LinkedAccount) -> SpotifyToken:
        """The stored token, or a newer one kept in memory because saving it failed (saved again here)."""
        user_id = account.user_id
        pending = self._unsaved.get(user_id)
        if pending is None:
            return account.token
        if account.token.refresh_token != pending.refreshed_from:  # linked again meanwhile: the row wins
            del self._unsaved[user_id]
            return account.token
        now = self._clock()
        if now - pending.tried_at < RESAVE_INTERVAL_S:
            return pending.token
        pending.tried_at = now
        try:
            saved = await self._repo.replace_token(
                user_id, pending.token, refreshed_from=pending.refreshed_from
            )
        except Exception as exc:
            log.warning(
                "saving the refreshed Spotify token of user %s still fails (%s); using it from memory",
                user_id,
                _describe(exc),
            )
            return pending.token
        del self._unsaved[user_id]
        if saved:
            log.info("saved the refreshed Spotify token of user %s that was kept in memory", user_id)
            return pending.token
        return account.token

    async def _store_refreshed(self, user_id: int, fresh: SpotifyToken, *, refreshed_from: str | None) -> str:
        """Save a refreshed token (compare-and-set); if saving fails, keep it in memory and save it later."""
        try:
            saved = await self._repo.replace_token(user_id, fresh, refreshed_from=refreshed_from)
        except Exception as exc:
            self._unsaved[user_id] = _UnsavedToken(fresh, refreshed_from, self._clock())
            log.warning(
                "saving the refreshed Spotify token of user %s failed (%s): using it from memory and saving "
                "it again later",
                user_id,
                _describe(exc),
            )
            return fresh.access_token
        self._unsaved.pop(user_id, None)
        if saved:
            return fresh.access_token
        log.info(
            "the Spotify link of user %s changed during a token refresh: the refreshed token is dropped",
            user_id,
        )
        current = await self._repo.get_account(user_id)
        if current is None:
            raise NotLinked()
        if current.needs_relink:
            raise LinkExpired()
        return current.token.access_token

    def _app_rejected(self, client_id: str) -> UserFacingError:
        return AppRejected() if client_id == self._settings.spotify_client_id else GuildAppRejected()

    @staticmethod
    def _usable_or(token: SpotifyToken, now: float, forced: bool, error: UserFacingError) -> str:
        """The current token while it is still valid (and Spotify did not just reject it), else `error`."""
        if not forced and token.expires_at > now:
            return token.access_token
        raise error

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
