"""The floor: what this machine can do at all with the same HTTP requests, sent by a bare aiohttp client.

While the bot runs, an aiohttp client middleware on its shared session records every request (method, URL,
headers, body, start, and end when the answer's headers are in) under the command that caused it (a context variable the harness sets; tasks a command
starts inherit it). A command's requests are grouped into waves: a request that started before the previous
ones of its wave had all ended ran in parallel with them. The floor replays each command wave by wave (a wave's
requests in parallel, waves one after another) on a plain `aiohttp.ClientSession` to the same fakes, with the
same arrival pattern as the figure it stands beside: no parsing, no sessions, no SDKs, no storage.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import aiohttp
from aiohttp.client_middlewares import ClientHandlerType
from aiohttp.payload import Payload

current_command: contextvars.ContextVar[int | None] = contextvars.ContextVar("bench_command", default=None)


@dataclass(slots=True)
class TracedRequest:
    method: str
    url: Any  # yarl.URL, already encoded
    headers: list[tuple[str, str]]
    body: bytearray
    start: float
    end: float = 0.0


@dataclass(slots=True)
class RequestTrace:
    """Every request of the bot's shared session, by command id (requests outside a command are dropped)."""

    by_command: dict[int, list[TracedRequest]] = field(default_factory=dict)
    enabled: bool = True

    async def middleware(
        self, request: aiohttp.ClientRequest, handler: ClientHandlerType
    ) -> aiohttp.ClientResponse:
        """The session's client middleware (a `TraceConfig` cost ~6 % of the bot's CPU in the burst: aiohttp
        builds every signal's parameters for every request, listened to or not)."""
        command = current_command.get()
        if not self.enabled or command is None:
            return await handler(request)
        sent = request.body
        body = bytearray(sent if isinstance(sent, bytes) else await cast(Payload, sent).as_bytes())
        traced = TracedRequest(
            request.method, request.url, list(request.headers.items()), body, time.monotonic()
        )
        self.by_command.setdefault(command, []).append(traced)
        try:
            return await handler(request)
        finally:
            traced.end = time.monotonic()

    def waves(self, command: int) -> list[list[TracedRequest]]:
        return waves_of(self.by_command.get(command, []))

    def clear(self) -> None:
        self.by_command.clear()


def waves_of(requests: Sequence[TracedRequest]) -> list[list[TracedRequest]]:
    """Requests grouped into waves: one starting before every request of the current wave ended joins it."""
    out: list[list[TracedRequest]] = []
    wave_end = -1.0
    for request in sorted(requests, key=lambda r: r.start):
        end = request.end or request.start
        if out and request.start < wave_end:
            out[-1].append(request)
            wave_end = max(wave_end, end)
        else:
            out.append([request])
            wave_end = end
    return out


Plan = list[list[TracedRequest]]


class FloorClient:
    """A bare aiohttp client replaying recorded commands to the same fakes."""

    def __init__(self) -> None:
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), trust_env=False)
        self.failed = 0

    async def _one(self, request: TracedRequest) -> None:
        headers = [(k, v) for k, v in request.headers if k.lower() not in ("content-length", "host")]
        try:
            async with self._session.request(
                request.method, request.url, headers=headers, data=bytes(request.body) or None
            ) as response:
                await response.read()
        except (aiohttp.ClientError, TimeoutError):
            self.failed += 1

    async def command(self, plan: Plan) -> float:
        """Replay one command (wave by wave); its wall time in seconds."""
        started = time.perf_counter()
        for wave in plan:
            if len(wave) == 1:
                await self._one(wave[0])
            else:
                await asyncio.gather(*(self._one(r) for r in wave))
        return time.perf_counter() - started

    async def sequential(self, plans: Sequence[Plan]) -> list[float]:
        return [await self.command(plan) for plan in plans]

    async def burst(self, per_guild: Sequence[Sequence[Plan]]) -> list[float]:
        """Every guild at once, each replaying its commands one after another."""
        latencies: list[float] = []
        gate = asyncio.Event()

        async def guild(plans: Sequence[Plan]) -> None:
            await gate.wait()
            for plan in plans:
                latencies.append(await self.command(plan))

        tasks = [asyncio.create_task(guild(p)) for p in per_guild]
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(*tasks)
        return latencies

    async def arrivals(self, schedule: Sequence[tuple[float, Plan]]) -> list[float]:
        """Open loop: each plan starts at its offset (seconds) from now; latency counts from that moment."""
        latencies: list[float] = []
        started = time.perf_counter()

        async def one(offset: float, plan: Plan) -> None:
            await asyncio.sleep(max(0.0, started + offset - time.perf_counter()))
            due = started + offset
            await self.command(plan)
            latencies.append(time.perf_counter() - due)

        await asyncio.gather(*(one(offset, plan) for offset, plan in schedule))
        return latencies

    async def aclose(self) -> None:
        await self._session.close()
