"""Figures 2 and 7: end-to-end latency and overhead per path, and the rules-off (naive) design beside it.

A command's overhead is its wall time minus the union of the intervals in which the fakes were serving its requests
(parallel searches counted once), so what remains is the bot: parsing, validation, sessions, HTTP clients.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.env import BenchBot, guild_context
from benchmarks.fakes import FakesProcess
from benchmarks.floor import current_command
from benchmarks.stats import Summary, percentile
from benchmarks.utterances import Utterance
from bot.assistant import Response


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    category: str
    latency_s: float
    fake_s: float  # the fakes' time on this command's requests, parallel ones counted once
    llm_requests: int
    spotify_requests: int
    source: str
    ok: bool
    failure: str | None = None  # the i18n key of the first failed outcome
    command_id: int = 0  # the key of its requests in the benchmark's RequestTrace

    @property
    def path(self) -> str:
        """ "fast" when no LLM request was made, else "llm"."""
        return "llm" if self.llm_requests else "fast"

    @property
    def overhead_s(self) -> float:
        return self.latency_s - self.fake_s


async def run_sequential(
    bot: BenchBot, fakes: FakesProcess, utterances: Sequence[Utterance], *, guild: int = 0
) -> tuple[list[Sample], list[dict[str, Any]]]:
    """One command at a time on one guild; returns the samples and every LLM request record."""
    await fakes.drain()
    samples: list[Sample] = []
    llm_records: list[dict[str, Any]] = []
    for u in utterances:
        ctx = guild_context(guild, u.lang)
        command_id = next(COMMAND_IDS)
        token = current_command.set(command_id)
        started = time.perf_counter()
        try:
            response = await bot.assistant.handle_text(u.text, ctx)
        finally:
            current_command.reset(token)
        latency = time.perf_counter() - started
        served = await fakes.drain()
        llm_records.extend(served.llm)
        samples.append(
            Sample(
                text=u.text,
                category=u.category,
                latency_s=latency,
                fake_s=served.union_s,
                llm_requests=len(served.llm),
                spotify_requests=len(served.spotify),
                source=response.plan.source,
                ok=response.ok,
                failure=failure_key(response),
                command_id=command_id,
            )
        )
    return samples, llm_records


COMMAND_IDS = itertools.count(1)  # one id per command the harness sends, for the request trace


def failure_key(response: Response) -> str | None:
    failed = [o for o in response.outcomes if not o.ok]
    return failed[0].key if failed else None


# Why an answer said a command failed (the i18n key of its first failed outcome):
#   load    - Spotify or the LLM unavailable or rate-limited (timeouts included): what load causes
#   refused - the bot's own limits said no: the LLM budget (quota) or a user's cooldown; also load-caused when
#             the budget is the one configured (benchmarks.env.bench_settings: a paid-tier budget)
#   bug     - an unexpected error
#   answer  - a true answer about the request, which would be the same one at a time: the fake catalog has no
#             such song, playlist or device, or the fake LLM's tiny model did not understand
LOAD_FAILURES = frozenset(
    {"spotify.unavailable", "spotify.rate_limited", "llm.unavailable", "llm.command.unavailable"}
)
REFUSED_PREFIXES = ("llm.over_quota", "llm.command.over_quota", "error.cooldown")
BUG_FAILURES = frozenset({"error.unexpected"})
CAUSES = ("load", "refused", "bug", "answer")


def failure_cause(key: str) -> str:
    if key in LOAD_FAILURES:
        return "load"
    if key.startswith(REFUSED_PREFIXES):
        return "refused"
    if key in BUG_FAILURES:
        return "bug"
    return "answer"


def failure_causes(keys: Sequence[str | None]) -> dict[str, int]:
    """Failed commands by cause (every cause listed, zeros included)."""
    counts = dict.fromkeys(CAUSES, 0)
    for key in keys:
        if key is not None:
            counts[failure_cause(key)] += 1
    return counts


def failure_counts(keys: Sequence[str | None]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _ms(values: Sequence[float]) -> dict[str, float | int | None]:
    return Summary.of([v * 1000.0 for v in values]).as_dict(3)


def path_figures(samples: Sequence[Sample]) -> dict[str, Any]:
    """Latency and overhead (ms) for the fast path, the LLM path and all commands."""
    out: dict[str, Any] = {}
    for name, chosen in (
        ("fast_path", [s for s in samples if s.path == "fast"]),
        ("llm_path", [s for s in samples if s.path == "llm"]),
        ("all", list(samples)),
    ):
        out[name] = {
            "commands": len(chosen),
            "latency_ms": _ms([s.latency_s for s in chosen]),
            "fakes_ms": _ms([s.fake_s for s in chosen]),
            "overhead_ms": _ms([s.overhead_s for s in chosen]),
            "overhead_p95_ms": _p95_ms([s.overhead_s for s in chosen]),
            "ok_share": round(sum(s.ok for s in chosen) / len(chosen), 3) if chosen else None,
            "failures": failure_counts([s.failure for s in chosen]),
        }
    return out


def _p95_ms(values: Sequence[float]) -> float | None:
    return round(percentile([v * 1000.0 for v in values], 95), 3) if values else None


def design_figures(samples: Sequence[Sample]) -> dict[str, Any]:
    """Median latency and LLM requests per 100 commands for one design."""
    n = len(samples)
    return {
        "commands": n,
        "latency_ms": _ms([s.latency_s for s in samples]),
        "llm_requests_per_100": round(100.0 * sum(s.llm_requests for s in samples) / n, 1) if n else None,
        "ok_share": round(sum(s.ok for s in samples) / n, 3) if n else None,
    }


def naive_comparison(ours: Sequence[Sample], naive: Sequence[Sample]) -> dict[str, Any]:
    mine, theirs = design_figures(ours), design_figures(naive)
    ratio = None
    if mine["latency_ms"]["p50"] and theirs["latency_ms"]["p50"]:
        ratio = round(theirs["latency_ms"]["p50"] / mine["latency_ms"]["p50"], 2)
    return {"local_rules_first": mine, "llm_only": theirs, "median_latency_ratio_naive_over_ours": ratio}
