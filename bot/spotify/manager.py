"""SessionManager: which Spotify session acts for a request; sessions are created lazily and evicted when idle."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.config import Settings
from bot.http_pool import HttpPool
from bot.llm.protocols import TrackSuggester
from bot.nlu.plan import Context
from bot.recommend.personal import PersonalRecommender
from bot.spotify.client import BackoffGates, SpotifyApi, SpotifyTransport
from bot.spotify.errors import GuildNotLinked
from bot.spotify.session import GuildSession
from bot.spotify.tokens import RejectedTokenHandler, TokenProvider
from bot.storage.repository import Repository
from bot.storage.shared import SharedHolds

log = logging.getLogger(__name__)

DEFAULT_APP = "default"


class SessionManager:
    """Implements SessionProvider: a guild acts on its controller's account, a DM on the user's own."""

    def __init__(
        self,
        *,
        repo: Repository,
        tokens: TokenProvider,
        settings: Settings,
        suggester: TrackSuggester | None = None,
        personal: PersonalRecommender | None = None,
        api_base: str | None = None,
        http: HttpPool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`http`: the process's shared pool (its owner closes it); without one the manager makes its own."""
        self._repo = repo
        self._tokens = tokens
        self._settings = settings
        self._suggester = suggester
        self._personal = personal
        self._clock = clock
        self._idle_s = settings.session_idle_s
        self._owns_http = http is None
        self._http = http if http is not None else HttpPool()
        self._transport = SpotifyTransport(
            http=self._http,
            api_base=api_base or settings.spotify_api_base,
            timeout_s=settings.spotify_timeout_s,
        )
        # Several processes (PostgreSQL): a 429 seen by one holds every process back for that app.
        shared = SharedHolds(repo) if settings.uses_postgres else None
        self.gates = BackoffGates(clock, shared)
        self._sessions: dict[str, GuildSession] = {}
        self._last_sweep = clock()

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    async def session_for(self, ctx: Context) -> GuildSession:
        """The session for `ctx`. Raises GuildNotLinked when a guild has no controller account."""
        self.evict_idle()
        key = ctx.session_key
        if key.startswith("guild:") and ctx.guild_id is not None:
            settings = await self._repo.get_guild_settings(ctx.guild_id)
            if settings.controller_user_id is None:
                raise GuildNotLinked()
            user_id = settings.controller_user_id
        else:
            user_id = ctx.user_id
        session = self._sessions.get(key)
        if session is not None and session.user_id == user_id:
            return session
        fresh = await self._create(key, user_id)
        current = self._sessions.get(key)
        if current is not None and current.user_id == user_id:  # created concurrently by another request
            fresh.close()
            return current
        if current is not None:  # the controller changed: the old session goes
            current.close()
        self._sessions[key] = fresh
        return fresh

    async def api_for_user(self, user_id: int) -> SpotifyApi:
        """The API acting on `user_id`'s own account (their DM session's). Token errors surface on use."""
        session = await self.session_for(Context(user_id=user_id, is_dm=True))
        return session.api

    async def _create(self, key: str, user_id: int) -> GuildSession:
        app = await self._app_for(user_id)
        tokens = self._tokens

        async def token() -> str:
            return await tokens.access_token(user_id)

        async def replace_rejected(rejected: str) -> str:
            assert isinstance(tokens, RejectedTokenHandler)
            return await tokens.replace_rejected(user_id, rejected)

        api = SpotifyApi(
            transport=self._transport,
            gate=self.gates.for_app(app),
            token=token,
            label=key,
            on_rejected=replace_rejected if isinstance(tokens, RejectedTokenHandler) else None,
        )
        log.info("spotify session %s created (account of user %s)", key, user_id)
        return GuildSession(
            key=key,
            user_id=user_id,
            api=api,
            suggester=self._suggester,
            personal=self._personal,
            clock=self._clock,
        )

    async def _app_for(self, user_id: int) -> str:
        """The Spotify client id the user's token belongs to (the back-off gate is per app)."""
        try:
            account = await self._repo.get_account(user_id)
        except Exception:
            log.exception("reading the linked account of user %s failed", user_id)
            account = None
        if account is not None and account.client_id:
            return account.client_id
        return self._settings.spotify_client_id or DEFAULT_APP

    def evict_idle(self, force: bool = False) -> int:
        """Drop sessions idle longer than session_idle_s (at most one sweep a minute unless forced)."""
        now = self._clock()
        if not force and now - self._last_sweep < min(60.0, self._idle_s):
            return 0
        self._last_sweep = now
        stale = [k for k, s in self._sessions.items() if not s.busy and now - s.last_used > self._idle_s]
        for key in stale:
            self._sessions.pop(key).close()
        if stale:
            log.info("evicted %d idle spotify sessions", len(stale))
        return len(stale)

    async def aclose(self) -> None:
        """Close every session; later calls fail as unavailable. Closes the HTTP pool only if it made it."""
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()
        self._transport.shutdown()
        if self._owns_http:
            await self._http.aclose()
