"""Figure 4: time to an answer for an LLM-parsed command when Groq fails (503, or 429 with Retry-After: 1).

Each trial builds a fresh bot, so provider suspensions and model cool-downs from one trial do not help the next.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from benchmarks.env import BenchBot, guild_context
from benchmarks.fakes import FakesProcess
from benchmarks.stats import Summary
from bot.nlu.plan import Context
from bot.nlu.rules import parse_local

# Messages that need the LLM (the first one the local rules leave alone is used).
LLM_ONLY_CANDIDATES = (
    "put on that song from the daft punk robot movie",
    "I'm in the mood for the one that goes around the world around the world",
    "play the song from the end credits of the last film I watched, the one by rosalía",
    "tell me something about soda stereo's last concert",
)

# (name, scripted steps for groq: (kind, times, extra))
SCENARIOS: tuple[tuple[str, list[tuple[str, int | None, dict[str, Any]]]], ...] = (
    ("healthy", []),
    ("groq_503", [("server_error", None, {"status": 503})]),
    ("groq_429_retry_after_1", [("rate_limited", None, {"retry_after": 1})]),
    ("groq_429_retry_after_1_once", [("rate_limited", 1, {"retry_after": 1})]),
)


def llm_only_text() -> str:
    ctx = Context(user_id=1, guild_id=1)
    for text in LLM_ONLY_CANDIDATES:
        if parse_local(text, ctx) is None:
            return text
    return LLM_ONLY_CANDIDATES[0]


async def run_fallback(
    fakes: FakesProcess,
    make_bot: Callable[[Path], Awaitable[BenchBot]],
    workdir: Path,
    *,
    trials: int,
) -> dict[str, Any]:
    text = llm_only_text()
    out: dict[str, Any] = {"text": text}
    for name, steps in SCENARIOS:
        times: list[float] = []
        sources: dict[str, int] = {}
        requests: list[int] = []
        for trial in range(trials):
            bot = await make_bot(workdir / f"fallback-{name}-{trial}")
            try:
                await fakes.clear_script()
                for kind, count, extra in steps:
                    await fakes.script(kind, provider="groq", times=count, **extra)
                await fakes.drain()
                t0 = time.perf_counter()
                response = await bot.assistant.handle_text(text, guild_context(0, "en"))
                times.append(time.perf_counter() - t0)
                served = await fakes.drain()
                requests.append(len(served.llm))
                sources[response.plan.source] = sources.get(response.plan.source, 0) + 1
            finally:
                await fakes.clear_script()
                await bot.aclose()
        out[name] = _scenario(times, sources, requests)
    return out


def _scenario(times: list[float], sources: Mapping[str, int], requests: list[int]) -> dict[str, Any]:
    return {
        "ms": Summary.of([t * 1000.0 for t in times]).as_dict(1),
        "answered_by": dict(sources),
        "llm_requests_per_answer": round(sum(requests) / len(requests), 2) if requests else None,
    }
