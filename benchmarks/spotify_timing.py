"""The fake Spotify server with an outermost middleware: a long-tailed latency, and when each request was served.

Spotify's latency is lognormal (median `latency_s`, shape `sigma`): most answers near the median, a few several
times slower, as real API latency looks. Each request is recorded with `start`/`end` (time.monotonic(), one clock
for every process on the machine) and `fake_s`, so the harness can subtract the union of the fakes' intervals.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.demo.spotify_server import FakeSpotify

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class TimedSpotify:
    """Owns a FakeSpotify; `drain()` returns and forgets the per-request timings recorded so far."""

    def __init__(
        self, fake: FakeSpotify, *, median_s: float = 0.0, sigma: float = 0.0, seed: int = 0
    ) -> None:
        self.fake = fake
        self._median_s = median_s
        self._sigma = sigma
        self._rng = random.Random(seed)
        self.timed: list[dict[str, Any]] = []
        fake.record_requests = False  # the fake's own log would grow without bound in long runs
        fake.app.middlewares.insert(0, self._timing)

    @web.middleware
    async def _timing(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        started, start = time.perf_counter(), time.monotonic()
        status = 0
        try:
            if self._median_s > 0:
                delay = self._median_s
                if self._sigma > 0:
                    delay = self._rng.lognormvariate(math.log(self._median_s), self._sigma)
                await asyncio.sleep(delay)
            response = await handler(request)
            status = response.status
            return response
        finally:
            self.timed.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "fake_s": time.perf_counter() - started,
                    "start": start,
                    "end": time.monotonic(),
                }
            )

    @property
    def api_base(self) -> str:
        return self.fake.api_base

    @property
    def accounts_base(self) -> str:
        return self.fake.accounts_base

    def add_user(self, user_id: int) -> str:
        return self.fake.add_user(str(user_id))

    def drain(self) -> list[dict[str, Any]]:
        timed, self.timed = self.timed, []
        return timed

    async def stop(self) -> None:
        await self.fake.stop()


async def start_timed_spotify(*, latency_s: float, sigma: float, seed: int) -> TimedSpotify:
    """The fake with no latency of its own; the middleware sleeps lognormal(median latency_s, sigma)."""
    timed = TimedSpotify(FakeSpotify(seed=seed), median_s=latency_s, sigma=sigma, seed=seed)
    await timed.fake.start()
    return timed
