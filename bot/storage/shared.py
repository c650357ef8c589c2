"""State that every process of a deployment must agree on, kept in the store (PostgreSQL when there are several).

`SharedHolds`: a hold is "nothing may happen under this key before time T" (a Spotify app's back-off after a
429). Wall-clock unix seconds, since monotonic clocks differ between processes. A store that cannot be read
never blocks a command: the local gate still applies, and the failure is logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.storage.repository import Repository

log = logging.getLogger(__name__)


class SharedHolds:
    def __init__(self, repo: Repository, *, wall_clock: Callable[[], float] = time.time) -> None:
        self._repo = repo
        self._wall = wall_clock

    async def remaining_s(self, key: str) -> float:
        """Seconds until the hold on `key` ends (0.0 when not held, or when the store cannot be read)."""
        try:
            until = await self._repo.get_hold(key)
        except Exception as exc:
            log.warning(
                "reading the shared hold %s failed (%s); using this process's view", key, type(exc).__name__
            )
            return 0.0
        return max(0.0, until - self._wall())

    async def hold_for(self, key: str, seconds: float) -> None:
        """Hold `key` for `seconds` from now in every process (never shortens a longer hold)."""
        try:
            await self._repo.hold_until(key, self._wall() + seconds)
        except Exception as exc:
            log.warning("publishing the shared hold %s failed (%s)", key, type(exc).__name__)
