"""DJ mode: keep at least three upcoming tracks in a guild's queue that match a vibe and what has been playing.

A background task per guild checks the player about once per song (two reads: playback and queue). When fewer
than MIN_UPCOMING tracks are queued it adds picks from a buffer, which one model call refills with a batch of
ten suggestions resolved through search (without an LLM: searches for the vibe and the session's artists). A
track is never queued twice in a session. The session is a database row, so a restart resumes it; it ends on
/dj stop, when playback has been stopped for `idle_stop_s`, or when the guild's controller unlinks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.dj.state import DjState
from bot.errors import NotAllowed, UserFacingError
from bot.llm.errors import LLMUnavailable
from bot.nlu.plan import Context
from bot.recommend.personal import BatchSuggester
from bot.recommend.prompt import dj_messages
from bot.recommend.taste import song_key
from bot.spotify.errors import GuildNotLinked, LinkExpired, NotLinked
from bot.spotify.manager import SessionManager
from bot.spotify.outcome import Outcome, TrackInfo
from bot.spotify.recommend import resolve_suggestions
from bot.spotify.resolve import Resolver, fold
from bot.spotify.session import GuildSession
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

MIN_UPCOMING = 3
BATCH = 10  # suggestions per model call
TICK_S = 20.0  # between checks while the queue is short or the player is idle
MAX_WAIT_S = 240.0  # longest sleep between checks
IDLE_STOP_S = 600.0  # playback stopped this long: DJ mode ends
SEARCH_LIMIT = 10

# Words of a vibe that say nothing searchable on their own ("something chill for the evening" -> "chill").
_VAGUE_WORDS = frozenset(
    [
        "something",
        "anything",
        "some",
        "music",
        "songs",
        "song",
        "tracks",
        "stuff",
        "more",
        "like",
        "what",
        "that",
        "this",
        "with",
        "from",
        "have",
        "been",
        "playing",
        "evening",
        "night",
        "tonight",
        "morning",
        "today",
        "please",
        "algo",
        "musica",
        "canciones",
        "temas",
        "cosas",
        "como",
        "para",
        "esta",
        "noche",
        "tarde",
        "hoy",
        "manana",
        "sonado",
        "suena",
        "sonando",
        "parecido",
        "parecida",
    ]
)


def is_personal(key: int) -> bool:
    """A DJ session keyed by a negated user id runs in that user's DM on their own account."""
    return key < 0


EndListener = Callable[[DjState, str], Awaitable[None]]


def _info(raw: dict[str, Any]) -> TrackInfo:
    return TrackInfo(uri=str(raw["uri"]), name=str(raw["name"]), artists=tuple(raw.get("artists") or ()))


def _raw(track: TrackInfo) -> dict[str, Any]:
    return {"uri": track.uri, "name": track.name, "artists": list(track.artists)}


class DjService:
    """Starts, runs, resumes and stops DJ sessions; one background task per guild."""

    def __init__(
        self,
        *,
        repo: Repository,
        sessions: SessionManager,
        suggester: BatchSuggester | None,
        tick_s: float = TICK_S,
        idle_stop_s: float = IDLE_STOP_S,
        wall: Callable[[], float] = time.time,
        background: bool = True,
    ) -> None:
        self._repo = repo
        self._sessions = sessions
        self._suggester = suggester
        self._tick_s = tick_s
        self._idle_stop_s = idle_stop_s
        self._wall = wall
        self._background = background
        self._states: dict[int, DjState] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._listeners: list[EndListener] = []
        self._upcoming: dict[int, int] = {}  # songs already coming at the last check, per session

    # ---- public ------------------------------------------------------------------------------------------

    def status(self, guild_id: int | None) -> DjState | None:
        return self._states.get(guild_id) if guild_id is not None else None

    def add_end_listener(self, listener: EndListener) -> None:
        """Called with (state, reason) when a session ends by itself ("idle", "controller")."""
        self._listeners.append(listener)

    async def start(self, ctx: Context, vibe: str) -> Outcome:
        """Start (or re-aim) DJ mode in ctx's guild. Raises a UserFacingError when not allowed or not linked."""
        guild_id = self._guild_of(ctx)
        controller = await self._controller_of(guild_id)
        if controller is None:
            raise GuildNotLinked()
        vibe = " ".join(vibe.split())[:200]
        async with self._lock(guild_id):
            state = self._states.get(guild_id)
            if state is not None and state.controller_user_id == controller:
                state.vibe, state.lang, state.buffer = vibe, ctx.locale, []  # new vibe, same memory of songs
            else:
                state = DjState(
                    guild_id=guild_id,
                    vibe=vibe,
                    lang=ctx.locale,
                    started_by=ctx.user_id,
                    controller_user_id=controller,
                    started_at=self._wall(),
                )
            self._states[guild_id] = state
            await self._repo.save_dj_state(guild_id, state.to_json())
            try:
                added, _ = await self._step(state, starting=True)
            except UserFacingError:
                await self._forget(guild_id)
                raise
            await self._repo.save_dj_state(guild_id, state.to_json())
        self._spawn(guild_id)
        log.info("DJ mode started in guild %s (%d tracks added)", guild_id, len(added))
        if not added and self._upcoming.get(guild_id, 0) >= MIN_UPCOMING:  # the queue is full already
            coming = self._upcoming[guild_id]
            return Outcome(
                action="dj_start", ok=True, key="dj.started_full", params={"vibe": vibe, "n": coming}
            )
        if not added:  # nothing found for the vibe (no model, nothing playing): say so, not an empty list
            return Outcome(action="dj_start", ok=True, key="dj.started_empty", params={"vibe": vibe})
        upcoming = "\n".join(f"{i}. {t.label}" for i, t in enumerate(added, start=1))
        return Outcome(action="dj_start", ok=True, key="dj.started", params={"vibe": vibe, "list": upcoming})

    async def stop(self, ctx: Context) -> Outcome:
        guild_id = self._guild_of(ctx)
        if guild_id not in self._states:
            return Outcome(action="dj_stop", ok=True, key="dj.not_running")
        await self._end(guild_id, "stopped", notify=False)
        return Outcome(action="dj_stop", ok=True, key="dj.stopped")

    async def resume_all(self) -> int:
        """Load the stored sessions (after a restart) and start their tasks."""
        for guild_id, text in (await self._repo.dj_states()).items():
            try:
                self._states[guild_id] = DjState.from_json(text)
            except (ValueError, TypeError):
                log.warning("dropping an unreadable DJ session of guild %s", guild_id)
                await self._repo.delete_dj_state(guild_id)
                continue
            self._spawn(guild_id)
        if self._states:
            log.info("resumed DJ mode in %d guilds", len(self._states))
        return len(self._states)

    async def tick(self, guild_id: int) -> float:
        """One check of one guild's queue; returns how long to wait before the next."""
        state = self._states.get(guild_id)
        if state is None:
            return self._tick_s
        async with self._lock(guild_id):
            if self._states.get(guild_id) is not state:
                return self._tick_s
            if await self._controller_of(guild_id) != state.controller_user_id:
                await self._end(guild_id, "controller", locked=True)
                return self._tick_s
            try:
                _, wait = await self._step(state)
            except (GuildNotLinked, NotLinked, LinkExpired):
                await self._end(guild_id, "controller", locked=True)
                return self._tick_s
            if state.idle_since is not None and self._wall() - state.idle_since >= self._idle_stop_s:
                await self._end(guild_id, "idle", locked=True)
                return self._tick_s
            await self._repo.save_dj_state(guild_id, state.to_json())
            return wait

    async def aclose(self) -> None:
        """Stop the background tasks (the sessions stay stored and resume at the next start)."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # ---- one step ----------------------------------------------------------------------------------------

    async def _step(self, state: DjState, *, starting: bool = False) -> tuple[list[TrackInfo], float]:
        """Read the player; start playing or top the queue up to MIN_UPCOMING.

        Returns what was added and how long to wait before the next check (about one song when full)."""
        session = await self._session(state)
        api = session.api
        await api.refresh_token()
        playback = await api.call("dj.playback", api.sp.current_playback, idempotent=True)
        queue = await api.call("dj.queue", api.sp.queue, idempotent=True)
        item = playback.get("item") if isinstance(playback, dict) else None
        playing = isinstance(playback, dict) and bool(playback.get("is_playing"))
        upcoming = [q for q in (queue or {}).get("queue") or [] if isinstance(q, dict)]
        self._upcoming[state.guild_id] = len(upcoming) if playing else 0
        if not playing and not starting:
            state.idle_since = state.idle_since or self._wall()
            return [], self._tick_s  # paused or stopped by someone: do not restart it (it ends after a while)
        state.idle_since = None
        if isinstance(item, dict) and isinstance(item.get("uri"), str) and item["uri"] not in state.played:
            names = [str(a.get("name")) for a in item.get("artists") or [] if isinstance(a, dict)]
            state.remember(
                item["uri"],
                TrackInfo(uri=item["uri"], name=str(item.get("name")), artists=tuple(names)).label,
            )
        if playing and len(upcoming) >= MIN_UPCOMING:
            wait = self._tick_s
            if isinstance(item, dict) and isinstance(playback, dict):
                left_s = (int(item.get("duration_ms") or 0) - int(playback.get("progress_ms") or 0)) / 1000
                wait = max(self._tick_s, min(MAX_WAIT_S, left_s + 2))
            return [], wait
        for entry in upcoming:
            uri = entry.get("uri")
            if isinstance(uri, str) and uri not in state.played:
                state.played.append(uri)  # already coming: never queued again by the DJ
        need = MIN_UPCOMING - len(upcoming) if playing else MIN_UPCOMING + 1
        picks = await self._take(state, session, need)
        if not picks:
            return [], self._tick_s
        uris = [t.uri for t in picks]
        outcome = await (session.queue_uris(uris) if playing else session.play_uris(uris))
        if not outcome.ok:
            raise outcome.error or UserFacingError()
        for track in picks:
            state.remember(track.uri, track.label)
        state.queued += len(picks)
        return picks, self._tick_s

    async def _take(self, state: DjState, session: GuildSession, n: int) -> list[TrackInfo]:
        for _ in range(2):
            if len(state.buffer) >= n:
                break
            await self._refill(state, session)
        picks = [_info(raw) for raw in state.buffer[:n]]
        del state.buffer[:n]
        return picks

    async def _refill(self, state: DjState, session: GuildSession) -> None:
        resolver = Resolver(session.api)
        found: list[TrackInfo] = []
        if self._suggester is not None:
            messages = dj_messages(state.vibe, BATCH, state.lang, state.labels, state.labels)
            try:
                suggestions = await self._suggester.suggest_batch(messages, BATCH)
                state.batches += 1
                found = await resolve_suggestions(resolver, suggestions, limit=BATCH)
            except LLMUnavailable:
                log.info("DJ in guild %s: no LLM, searching instead", state.guild_id)
        if not self._add_new(state, found):  # no model, or it only repeated the session: search instead
            self._add_new(state, await self._search_fallback(state, resolver))

    @staticmethod
    def _add_new(state: DjState, found: list[TrackInfo]) -> int:
        """Buffer the tracks the session has not queued yet (by uri or same song); how many were new."""
        seen = set(state.played) | {raw["uri"] for raw in state.buffer}
        keys = {song_key(_info(raw)) for raw in state.buffer} | {fold(label) for label in state.labels}
        added = 0
        for track in found:
            if track.uri in seen or song_key(track) in keys or fold(track.label) in keys:
                continue
            seen.add(track.uri)
            keys.add(song_key(track))
            state.buffer.append(_raw(track))
            added += 1
        return added

    async def _search_fallback(self, state: DjState, resolver: Resolver) -> list[TrackInfo]:
        """Without a model: the vibe as a search, then songs by the artists the session played."""
        found = await resolver.search(state.vibe, "track", SEARCH_LIMIT)
        if not found:  # "chill for the evening" names no title: try its telling words one by one
            for word in [w for w in state.vibe.split() if len(w) >= 4 and fold(w) not in _VAGUE_WORDS][:3]:
                found += await resolver.search(word, "track", SEARCH_LIMIT)
        artists = list(dict.fromkeys(label.split(" — ", 1)[-1].split(", ")[0] for label in state.labels[-6:]))
        for name in reversed(artists[-3:]):
            found += await resolver.search(f'artist:"{name}"', "track", SEARCH_LIMIT)
        return found

    # ---- plumbing ----------------------------------------------------------------------------------------

    async def _session(self, state: DjState) -> GuildSession:
        if is_personal(state.guild_id):  # a DM (or the terminal): the user's own account
            ctx = Context(user_id=state.started_by, is_dm=True, locale=state.lang)  # type: ignore[arg-type]
        else:
            ctx = Context(user_id=state.started_by, guild_id=state.guild_id, locale=state.lang)  # type: ignore[arg-type]
        return await self._sessions.session_for(ctx)

    @staticmethod
    def _guild_of(ctx: Context) -> int:
        """The DJ session's key: the guild, or for a DM the negated user id (a personal DJ on their own account)."""
        if not ctx.can_control:
            raise NotAllowed()
        if ctx.guild_id is None or ctx.is_dm:
            return -ctx.user_id
        return ctx.guild_id

    async def _controller_of(self, key: int) -> int | None:
        """Whose account the session plays on: the guild's controller, or the DM user themself."""
        if is_personal(key):
            return -key
        return (await self._repo.get_guild_settings(key)).controller_user_id

    def _lock(self, guild_id: int) -> asyncio.Lock:
        return self._locks.setdefault(guild_id, asyncio.Lock())

    def _spawn(self, guild_id: int) -> None:
        if not self._background or guild_id in self._tasks:
            return
        self._tasks[guild_id] = asyncio.create_task(self._run(guild_id), name=f"dj:{guild_id}")

    async def _run(self, guild_id: int) -> None:
        try:
            while guild_id in self._states:
                try:
                    wait = await self.tick(guild_id)
                except UserFacingError as exc:
                    log.info("DJ in guild %s: %s", guild_id, exc.key)
                    wait = self._tick_s
                except Exception:
                    log.exception("DJ tick failed in guild %s", guild_id)
                    wait = self._tick_s
                await asyncio.sleep(wait)
        finally:
            if self._tasks.get(guild_id) is asyncio.current_task():
                self._tasks.pop(guild_id, None)

    async def _forget(self, guild_id: int) -> None:
        self._states.pop(guild_id, None)
        await self._repo.delete_dj_state(guild_id)

    async def _end(self, guild_id: int, reason: str, *, notify: bool = True, locked: bool = False) -> None:
        state = self._states.get(guild_id)
        if locked:
            await self._forget(guild_id)
        else:
            async with self._lock(guild_id):
                await self._forget(guild_id)
        task = self._tasks.pop(guild_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        log.info("DJ mode ended in guild %s: %s", guild_id, reason)
        if notify and state is not None:
            for listener in self._listeners:
                try:
                    await listener(state, reason)
                except Exception:
                    log.exception("a DJ end listener failed")
