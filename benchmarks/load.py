"""Figure 3b: sustained load, as Discord delivers it. Commands arrive as a Poisson process at a fixed rate, each in
a guild that has no command in flight (its user waits for the reply), for a few seconds per rate.

Latency counts from the arrival, so a backlog shows up as latency. "Failures caused by load": answers saying
Spotify or the LLM was unavailable or rate-limited, refusals by the configured LLM budget or a cooldown, and
arrivals that found every guild busy (benchmarks.end_to_end.failure_cause). CPU: the bot
process's CPU time over the step, per command and as cores used. The floor (benchmarks/floor.py) replays the same
requests at the same arrival times beside each rate.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.end_to_end import COMMAND_IDS, failure_causes, failure_counts, failure_key
from benchmarks.env import BenchBot, guild_context
from benchmarks.fakes import FakesProcess
from benchmarks.floor import FloorClient, current_command
from benchmarks.stats import Summary
from benchmarks.utterances import Utterance

BEND_RATIO = 1.5  # the curve "bends" at the first rate whose p99 ÷ single p99 exceeds this (or fails by load)


def step_seconds(rate: float, seconds: float, min_commands: int) -> float:
    """How long one rate runs: `seconds`, stretched so that about `min_commands` commands arrive."""
    return max(seconds, min_commands / rate) if rate > 0 else seconds


def poisson_offsets(rate: float, seconds: float, rng: random.Random) -> list[float]:
    """Arrival times (s from the start) of a Poisson process with `rate` per second, over `seconds`."""
    out: list[float] = []
    t = rng.expovariate(rate)
    while t < seconds:
        out.append(t)
        t += rng.expovariate(rate)
    return out


async def run_rate(
    bot: BenchBot,
    fakes: FakesProcess,
    utterances: Sequence[Utterance],
    *,
    rate: float,
    seconds: float,
    guilds: int,
    seed: int,
) -> dict[str, Any]:
    await fakes.drain()
    rng = random.Random(seed * 1000 + int(rate))
    offsets = poisson_offsets(rate, seconds, rng)
    idle = list(range(guilds))
    latencies: list[float] = []
    failures: list[str | None] = []
    schedule: list[tuple[float, int]] = []
    dropped = 0

    async def one(k: int, offset: float, started: float) -> None:
        nonlocal dropped
        due = started + offset
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if not idle:
            dropped += 1
            return
        slot = rng.randrange(len(idle))
        idle[slot], idle[-1] = idle[-1], idle[slot]
        guild = idle.pop()
        command_id = next(COMMAND_IDS)
        current_command.set(command_id)  # this task's context only
        schedule.append((offset, command_id))
        u = utterances[k % len(utterances)]
        try:
            response = await bot.assistant.handle_text(u.text, guild_context(guild, u.lang))
            failures.append(failure_key(response))
        finally:
            latencies.append(time.perf_counter() - due)
            idle.append(guild)

    cpu0 = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(one(k, offset, started) for k, offset in enumerate(offsets)))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    summary = Summary.of([x * 1000.0 for x in latencies])
    causes = failure_causes(failures)
    # refusals by the configured LLM budget or a cooldown are caused by the rate too
    load_failures = dropped + causes["load"] + causes["refused"]
    return {
        "offered_per_s": rate,
        "seconds": round(seconds, 1),
        "commands": len(latencies),
        "completed_per_s": round(len(latencies) / wall, 1) if wall else None,
        "latency_ms": summary.as_dict(3),
        "load_failures": load_failures,
        "failures": failure_counts(failures),
        "failure_causes": causes,
        "dropped_all_guilds_busy": dropped,
        "cpu_us_per_command": round(cpu / len(latencies) * 1e6) if latencies else None,
        "cpu_cores": round(cpu / wall, 2) if wall else None,
        "schedule": schedule,  # (offset, command id), for the floor (dropped from the printed figures)
    }


async def run_load(
    bot: BenchBot,
    fakes: FakesProcess,
    utterances: Sequence[Utterance],
    *,
    rates: Sequence[float],
    seconds: float,
    guilds: int,
    single_p99_ms: float,
    floor_single_p99_ms: float,
    min_commands: int = 0,
    seed: int = 5,
) -> dict[str, Any]:
    """Every rate in turn, each followed by the floor replaying it; the rate where the curve bends.

    Each rate runs `seconds`, or longer when that would offer fewer than `min_commands` commands (a p99 of 80
    commands is their maximum): `step_seconds`."""
    steps: list[dict[str, Any]] = []
    for rate in rates:
        step = await run_rate(
            bot,
            fakes,
            utterances,
            rate=rate,
            seconds=step_seconds(rate, seconds, min_commands),
            guilds=guilds,
            seed=seed,
        )
        schedule = step.pop("schedule")
        floor = FloorClient()
        try:
            floor_ms = await floor.arrivals([(o, bot.trace.waves(c)) for o, c in schedule])
        finally:
            await floor.aclose()
        bot.trace.clear()
        await fakes.drain()
        p99 = step["latency_ms"]["p99"]
        floor_p99 = Summary.of([x * 1000.0 for x in floor_ms]).p99
        step["p99_over_single"] = round(p99 / single_p99_ms, 3) if p99 and single_p99_ms else None
        step["floor_p99_ms"] = round(floor_p99, 3)
        step["floor_p99_over_single"] = (
            round(floor_p99 / floor_single_p99_ms, 3) if floor_single_p99_ms else None
        )
        steps.append(step)
    bends = next(
        (
            s["offered_per_s"]
            for s in steps
            if s["load_failures"] or (s["p99_over_single"] or 0.0) > BEND_RATIO
        ),
        None,
    )
    low = [s["p99_over_single"] for s in steps if s["offered_per_s"] <= 100 and s["p99_over_single"]]
    top = max(steps, key=lambda s: s["offered_per_s"]) if steps else None
    return {
        "guilds": guilds,
        "step_s": seconds,
        "min_commands": min_commands,
        "steps": steps,
        "bends_at_per_s": bends,
        "max_p99_over_single_up_to_100": max(low) if low else None,
        "top_rate_per_s": top["offered_per_s"] if top else None,
        "p99_over_single_at_top_rate": top["p99_over_single"] if top else None,
        "load_failures": sum(s["load_failures"] for s in steps),
    }
