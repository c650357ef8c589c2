"""A listener's taste profile from their own Spotify account, cached per user.

Five reads, made together and then cached for `ttl_s` (30 minutes by default): top artists (short and medium
term), top tracks (short term), recently played, and what is playing. A link made before the bot asked for the
listening scopes gets `MissingTasteScopes` (one sentence and a relink button), never a broken feature.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.errors import UserFacingError
from bot.spotify.client import SpotifyApi
from bot.spotify.errors import LinkExpired, NotLinked, SpotifyForbidden, SpotifyUnavailable
from bot.spotify.outcome import TrackInfo
from bot.spotify.resolve import fold, track_info

log = logging.getLogger(__name__)

TASTE_SCOPES: tuple[str, ...] = ("user-top-read", "user-read-recently-played", "user-library-read")
TASTE_TTL_S = 30 * 60.0
TOP_LIMIT = 10
RECENT_LIMIT = 30
CONTAINS_BATCH = 40  # GET /me/library/contains takes at most 40 URIs
TASTE_CALLS = 5  # Spotify requests per profile fetch (the cache makes this rare)


class MissingTasteScopes(UserFacingError):
    """The link predates the listening scopes: personal features need a relink."""

    key = "recommend.needs_scopes"


def song_key(track: TrackInfo) -> str:
    """Title and first artist folded: the same song on another album or single has the same key."""
    return f"{fold(track.name)}|{fold(track.artists[0]) if track.artists else ''}"


def short_label(track: TrackInfo) -> str:
    """'Title — First Artist' (featured artists cost tokens and add nothing for a prompt)."""
    return f"{track.name} — {track.artists[0]}" if track.artists else track.name


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        if name and fold(name) not in seen:
            seen[fold(name)] = name
    return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class TasteProfile:
    """What the listener plays: artists best first, their top and recent songs, and what is on now."""

    top_artists: tuple[str, ...]
    recent_artists: tuple[str, ...]
    top_tracks: tuple[TrackInfo, ...]
    recent_tracks: tuple[TrackInfo, ...]
    now_playing: TrackInfo | None = None

    @property
    def empty(self) -> bool:
        return not (self.top_artists or self.recent_artists or self.top_tracks or self.recent_tracks)

    @property
    def artists(self) -> tuple[str, ...]:
        """Top artists first, then artists of recent plays: the listener's artists, best first."""
        return _unique((*self.top_artists, *self.recent_artists))

    def known_tracks(self) -> list[TrackInfo]:
        """Songs the listener already plays (recent, top, now): never recommended back."""
        now = [self.now_playing] if self.now_playing is not None else []
        return [*now, *self.recent_tracks, *self.top_tracks]

    def known_uris(self) -> frozenset[str]:
        return frozenset(t.uri for t in self.known_tracks())

    def known_keys(self) -> frozenset[str]:
        return frozenset(song_key(t) for t in self.known_tracks())

    def summary(self, *, artists: int = 8, songs: int = 3) -> str:
        """A compact line for a prompt: top artists, then a few recent songs (about 60 tokens)."""
        parts = []
        if self.artists:
            parts.append("artists: " + ", ".join(self.artists[:artists]))
        recent = _unique(short_label(t) for t in self.recent_tracks)[:songs]
        if recent:
            parts.append("recently: " + "; ".join(recent))
        if self.now_playing is not None:
            parts.append("now: " + short_label(self.now_playing))
        return ". ".join(parts)

    def avoid(self, limit: int = 8, *, skip: int = 3) -> list[str]:
        """'Title — Artist' of songs the model should not suggest, past the `skip` recent ones the summary
        already names (the rest is filtered after search)."""
        named = set(_unique(short_label(t) for t in self.recent_tracks)[:skip])
        return [
            label for label in _unique(short_label(t) for t in self.known_tracks()) if label not in named
        ][:limit]


def profile_from(
    short: Mapping[str, Any] | None,
    medium: Mapping[str, Any] | None,
    tracks: Mapping[str, Any] | None,
    recent: Mapping[str, Any] | None,
    playing: Mapping[str, Any] | None,
) -> TasteProfile:
    """A TasteProfile from the five Web API answers (any may be None or empty)."""

    def items(page: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
        return [i for i in (page or {}).get("items") or [] if isinstance(i, Mapping)]

    top_artists = _unique(str(a.get("name") or "") for a in (*items(short), *items(medium)))
    top_tracks = tuple(track_info(t) for t in items(tracks) if t.get("uri"))
    recent_tracks = tuple(
        track_info(i["track"])
        for i in items(recent)
        if isinstance(i.get("track"), Mapping) and i["track"].get("uri")
    )
    recent_artists = _unique(t.artists[0] for t in recent_tracks if t.artists)
    item = (playing or {}).get("item")
    now = track_info(item) if isinstance(item, Mapping) and item.get("uri") else None
    return TasteProfile(top_artists, recent_artists, top_tracks, recent_tracks, now)


ApiFor = Callable[[int], Awaitable[SpotifyApi]]
ScopesOf = Callable[[int], Awaitable[list[str] | None]]


class TasteService:
    """Builds and caches taste profiles. `api_for(user_id)` gives the API acting on that user's own account."""

    def __init__(
        self,
        *,
        scopes_of: ScopesOf | None = None,
        ttl_s: float = TASTE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api_for: ApiFor | None = None
        self._scopes_of = scopes_of
        self._ttl_s = ttl_s
        self._clock = clock
        self._cache: dict[int, tuple[float, TasteProfile]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.fetches = 0  # profile builds (each costs TASTE_CALLS Spotify requests)

    def bind(self, api_for: ApiFor) -> None:
        """Where the service gets a user's API (the session manager, built after this service)."""
        self._api_for = api_for

    def forget(self, user_id: int) -> None:
        self._cache.pop(user_id, None)

    async def api_for(self, user_id: int) -> SpotifyApi | None:
        """The API on the user's own account, or None when they have not linked one."""
        if self._api_for is None:
            return None
        try:
            api = await self._api_for(user_id)
            await api.refresh_token()
        except (NotLinked, LinkExpired):
            return None
        return api

    async def profile(self, user_id: int, api: SpotifyApi | None = None) -> TasteProfile | None:
        """The user's taste (cached), None when they have no linked account. Raises MissingTasteScopes."""
        cached = self._cache.get(user_id)
        if cached is not None and self._clock() - cached[0] < self._ttl_s:
            return cached[1]
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:
            cached = self._cache.get(user_id)
            if cached is not None and self._clock() - cached[0] < self._ttl_s:
                return cached[1]
            await self._check_scopes(user_id)
            api = api or await self.api_for(user_id)
            if api is None:
                return None
            profile = await self._fetch(api)
            self._cache[user_id] = (self._clock(), profile)
            if len(self._locks) > 1000:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            return profile

    async def _check_scopes(self, user_id: int) -> None:
        if self._scopes_of is None:
            return
        scopes = await self._scopes_of(user_id)
        if scopes and not set(TASTE_SCOPES) <= set(scopes):
            log.info("user %s linked without the listening scopes", user_id)
            raise MissingTasteScopes()

    async def _fetch(self, api: SpotifyApi) -> TasteProfile:
        sp = api.sp
        results = await asyncio.gather(
            api.call(
                "taste.top_artists",
                sp.current_user_top_artists,
                limit=TOP_LIMIT,
                time_range="short_term",
                idempotent=True,
            ),
            api.call(
                "taste.top_artists",
                sp.current_user_top_artists,
                limit=TOP_LIMIT,
                time_range="medium_term",
                idempotent=True,
            ),
            api.call(
                "taste.top_tracks",
                sp.current_user_top_tracks,
                limit=TOP_LIMIT,
                time_range="short_term",
                idempotent=True,
            ),
            api.call("taste.recent", sp.current_user_recently_played, limit=RECENT_LIMIT, idempotent=True),
            api.call("taste.playing", sp.current_playback, idempotent=True),
            return_exceptions=True,
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        if any(isinstance(e, SpotifyForbidden) for e in errors[:4]):
            raise MissingTasteScopes()
        if len(errors) == len(results):
            first = errors[0]
            raise first if isinstance(first, UserFacingError) else SpotifyUnavailable()
        for error in errors:
            log.warning("a taste read failed: %s", type(error).__name__)
        pages = [r if isinstance(r, Mapping) else None for r in results]
        self.fetches += 1
        return profile_from(*pages)

    @staticmethod
    async def saved_among(api: SpotifyApi, uris: list[str]) -> set[str]:
        """Which of `uris` the user saved (GET /me/library/contains, 40 per request)."""
        saved: set[str] = set()
        for start in range(0, len(uris), CONTAINS_BATCH):
            batch = uris[start : start + CONTAINS_BATCH]
            try:
                flags = await api.call(
                    "library.contains", api.sp.current_user_saved_tracks_contains, batch, idempotent=True
                )
            except SpotifyForbidden:
                raise MissingTasteScopes() from None
            saved.update(u for u, hit in zip(batch, flags or [], strict=False) if hit)
        return saved
