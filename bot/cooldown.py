"""Per-user command cooldown: at most `rate` commands per `per` seconds (sliding window)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bot.errors import CooldownActive

MAX_TRACKED_USERS = 10_000


class Cooldown:
    """A sliding-window limiter keyed by user id. `hit()` raises CooldownActive when over the limit."""

    def __init__(self, rate: int, per: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("cooldown needs rate >= 1 and per > 0")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}

    def retry_after(self, user_id: int) -> float:
        """Seconds until `user_id` may run another command (0.0 when allowed now)."""
        now = self._clock()
        window = self._window(user_id, now)
        if len(window) < self.rate:
            return 0.0
        return max(0.0, window[0] + self.per - now)

    def hit(self, user_id: int) -> None:
        """Record one command, or raise CooldownActive(seconds=...) without recording it."""
        now = self._clock()
        window = self._window(user_id, now)
        if len(window) >= self.rate:
            raise CooldownActive(seconds=max(1.0, window[0] + self.per - now))
        window.append(now)
        if len(self._hits) > MAX_TRACKED_USERS:
            self._forget_idle(now)

    def _window(self, user_id: int, now: float) -> deque[float]:
        window = self._hits.setdefault(user_id, deque())
        while window and window[0] <= now - self.per:
            window.popleft()
        return window

    def _forget_idle(self, now: float) -> None:
        for user_id in [u for u, w in self._hits.items() if not w or w[-1] <= now - self.per]:
            del self._hits[user_id]
