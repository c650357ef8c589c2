"""Limits for autocomplete searches, so keystrokes can never starve commands.

Discord sends an autocomplete request for nearly every keystroke and shows only the newest answer. Each one
would otherwise be a Spotify search, and with a Spotify that hangs they pile up. `AutocompleteLimiter`:

- one search in flight per session: a newer keystroke cancels the older search (its answer is dropped);
- a per-user rate: beyond `per_user` searches in `window_s`, the user gets no suggestions for a moment;
- a short timeout: the search is cancelled (freeing its connection) and the user gets no suggestions;
- a bound on concurrent autocomplete searches across the bot: when every slot is busy, no search is started.

A slot is given back when the search task has really ended (finished or cancelled), never earlier. It knows
nothing of how Spotify is called (threads or the event loop): it limits and cancels the awaiting task.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

TIMEOUT_S = 1.5  # Discord waits 3 s for an autocomplete answer
MAX_CONCURRENT = 4  # autocomplete searches on the wire at once, bot-wide
PER_USER = 4  # searches per user...
WINDOW_S = 2.0  # ...in this many seconds


class AutocompleteLimiter:
    def __init__(
        self,
        *,
        timeout_s: float = TIMEOUT_S,
        max_concurrent: int = MAX_CONCURRENT,
        per_user: int = PER_USER,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_concurrent = max(1, max_concurrent)
        self.per_user = max(1, per_user)
        self.window_s = window_s
        self._clock = clock
        self._running: set[asyncio.Task[object]] = set()
        self._latest: dict[str, asyncio.Task[object]] = {}
        self._recent: dict[int, deque[float]] = {}
        self.refused = 0  # searches not started (rate or bound), for logs and tests

    @property
    def in_flight(self) -> int:
        return len(self._running)

    def _rate_ok(self, user_id: int) -> bool:
        now = self._clock()
        recent = self._recent.setdefault(user_id, deque())
        while recent and now - recent[0] > self.window_s:
            recent.popleft()
        if len(recent) >= self.per_user:
            return False
        recent.append(now)
        if len(self._recent) > 4096:  # forget idle users
            for uid in [u for u, q in self._recent.items() if not q or now - q[-1] > self.window_s]:
                del self._recent[uid]
        return True

    async def run(self, session_key: str, user_id: int, search: Callable[[], Awaitable[T]]) -> T | None:
        """`search()` within the limits, or None (no suggestions) when refused, replaced or timed out."""
        older = self._latest.pop(session_key, None)
        if older is not None and not older.done():
            older.cancel()  # a newer keystroke: the older answer would be ignored anyway
        if not self._rate_ok(user_id) or len(self._running) >= self.max_concurrent:
            self.refused += 1
            return None

        async def call() -> T:
            return await search()

        task: asyncio.Task[object] = asyncio.ensure_future(call())
        self._running.add(task)
        self._latest[session_key] = task

        def ended(finished: asyncio.Task[object]) -> None:
            self._running.discard(finished)  # the slot comes back only now
            if self._latest.get(session_key) is finished:
                del self._latest[session_key]

        task.add_done_callback(ended)
        try:
            done, _ = await asyncio.wait({task}, timeout=self.timeout_s)
        except asyncio.CancelledError:
            task.cancel()
            raise
        if not done:
            task.cancel()
            log.info(
                "autocomplete search for %s timed out after %.1f s: cancelled", session_key, self.timeout_s
            )
            return None
        if task.cancelled():
            return None
        exc = task.exception()
        if exc is not None:
            raise exc
        return task.result()  # type: ignore[return-value]
