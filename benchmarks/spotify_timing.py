"""The fake Spotify server with an outermost timing middleware: how long the fake spent on each request."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.demo.spotify_server import FakeSpotify

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class TimedSpotify:
    """Owns a FakeSpotify; `drain()` returns and forgets the per-request timings recorded so far."""

    def __init__(self, fake: FakeSpotify) -> None:
        self.fake = fake
        self.timed: list[dict[str, Any]] = []
        fake.record_requests = False  # the fake's own log would grow without bound in long runs
        fake.app.middlewares.insert(0, self._timing)

    @web.middleware
    async def _timing(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 0
        try:
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


async def start_timed_spotify(*, latency_s: float, jitter_s: float, seed: int) -> TimedSpotify:
    timed = TimedSpotify(FakeSpotify(latency_s=latency_s, jitter_s=jitter_s, seed=seed))
    await timed.fake.start()
    return timed
