"""Start and drive the fakes process (`benchmarks.fakes_host`) from the harness."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Latencies:
    """What the fakes sleep per request (seconds): LLM base + uniform(0, jitter); Spotify lognormal with median
    `spotify_latency_s` and shape `spotify_sigma` (0.3: p99 ≈ 2× the median)."""

    groq_latency_s: float = 0.080
    openrouter_latency_s: float = 0.400
    llm_jitter_s: float = 0.020
    spotify_latency_s: float = 0.150
    spotify_sigma: float = 0.3
    seed: int = 1


@dataclass(slots=True)
class Served:
    """What the fakes served between two drains."""

    llm: list[dict[str, Any]] = field(default_factory=list)
    spotify: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fake_s(self) -> float:
        """Total time the fakes spent on these requests (their sleeps plus their own handling)."""
        return sum(r["fake_s"] for r in self.llm) + sum(r["fake_s"] for r in self.spotify)

    @property
    def union_s(self) -> float:
        """How long at least one fake was busy with these requests (parallel requests counted once)."""
        return union_length([(r["start"], r["end"]) for r in (*self.llm, *self.spotify)])


def union_length(intervals: list[tuple[float, float]]) -> float:
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None and current_start is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None and current_start is not None:
        total += current_end - current_start
    return total


class FakesProcess:
    """A child process running the fake LLM (Groq + OpenRouter) and fake Spotify servers."""

    def __init__(self, latencies: Latencies) -> None:
        self.latencies = latencies
        self.urls: dict[str, str] = {}
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> FakesProcess:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.fakes_host",
            json.dumps(asdict(self.latencies)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=str(REPO_ROOT),
            limit=1 << 26,
        )
        ready = await self._read()
        if not ready.get("ready"):
            raise RuntimeError(f"fakes process did not start: {ready}")
        self.urls = {k: v for k, v in ready.items() if isinstance(v, str)}
        return self

    async def _read(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = await asyncio.wait_for(self._proc.stdout.readline(), 60)
        if not line:
            raise RuntimeError("fakes process exited")
        result: dict[str, Any] = json.loads(line)
        return result

    async def call(self, **cmd: Any) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdin is not None
        async with self._lock:
            self._proc.stdin.write(json.dumps(cmd).encode() + b"\n")
            await self._proc.stdin.drain()
            answer = await self._read()
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def cpu_s(self) -> float:
        """CPU seconds the fakes process has used so far (user + system)."""
        import psutil

        if self._proc is None:
            return 0.0
        times = psutil.Process(self._proc.pid).cpu_times()
        return float(times.user + times.system)

    async def add_users(self, user_ids: list[int]) -> dict[int, str]:
        answer = await self.call(op="add_users", ids=user_ids)
        return {int(k): v for k, v in answer["tokens"].items()}

    async def drain(self) -> Served:
        answer = await self.call(op="drain")
        return Served(llm=answer["llm"], spotify=answer["spotify"])

    async def script(
        self, kind: str, *, provider: str | None = None, times: int | None = None, **extra: Any
    ) -> None:
        await self.call(op="script", kind=kind, provider=provider, times=times, **extra)

    async def clear_script(self) -> None:
        await self.call(op="clear_script")

    async def stop(self) -> None:
        if self._proc is None:
            return
        try:
            await asyncio.wait_for(self.call(op="stop"), 10)
            await asyncio.wait_for(self._proc.wait(), 10)
        except Exception:
            self._proc.kill()
            await self._proc.wait()
        self._proc = None

    async def __aenter__(self) -> FakesProcess:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
