"""Figure 3: many guilds at once. Each guild sends its commands one after another (a user waits for the
reply before the next), and every guild starts at the same moment."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.end_to_end import COMMAND_IDS, failure_causes, failure_counts, failure_key
from benchmarks.env import BenchBot, guild_context
from benchmarks.fakes import FakesProcess
from benchmarks.floor import current_command
from benchmarks.stats import Summary
from benchmarks.utterances import Utterance


async def run_concurrent(
    bot: BenchBot, fakes: FakesProcess, utterances: Sequence[Utterance], *, guilds: int, per_guild: int
) -> dict[str, Any]:
    """`guilds` guilds × `per_guild` commands; utterances are dealt round-robin (needs guilds*per_guild)."""
    assert len(utterances) >= guilds * per_guild
    await fakes.drain()
    latencies: list[float] = []
    failures: list[str | None] = []
    start_gate = asyncio.Event()
    command_ids = [[next(COMMAND_IDS) for _ in range(per_guild)] for _ in range(guilds)]

    async def guild_run(n: int) -> None:
        mine = [utterances[n * per_guild + i] for i in range(per_guild)]
        await start_gate.wait()
        for u, command_id in zip(mine, command_ids[n], strict=True):
            current_command.set(command_id)  # this task's context only
            t0 = time.perf_counter()
            response = await bot.assistant.handle_text(u.text, guild_context(n, u.lang))
            latencies.append(time.perf_counter() - t0)
            failures.append(failure_key(response))

    tasks = [asyncio.create_task(guild_run(n)) for n in range(guilds)]
    await asyncio.sleep(0)
    started, bot_cpu, fakes_cpu = time.perf_counter(), time.process_time(), fakes.cpu_s()
    start_gate.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    bot_cpu, fakes_cpu = time.process_time() - bot_cpu, fakes.cpu_s() - fakes_cpu
    served = await fakes.drain()
    summary = Summary.of([x * 1000.0 for x in latencies])
    causes = failure_causes(failures)
    return {
        "guilds": guilds,
        "commands_per_guild": per_guild,
        "commands": len(latencies),
        "wall_s": round(wall, 3),
        "throughput_per_s": round(len(latencies) / wall, 1) if wall else None,
        "latency_ms": summary.as_dict(3),
        "failed_share": round(sum(f is not None for f in failures) / len(failures), 3) if failures else None,
        "failures": failure_counts(failures),
        # load / refused (budget, cooldown) / bug / answer (the fakes have no such thing: same one at a time)
        "failure_causes": causes,
        "load_failures": causes["load"] + causes["refused"] + causes["bug"],
        # CPU busy share of one core during the run: near 1.0 means that process was the bottleneck
        "bot_cpu_share": round(bot_cpu / wall, 2) if wall else None,
        "cpu_us_per_command": round(bot_cpu / len(latencies) * 1e6) if latencies else None,
        "fakes_cpu_share": round(fakes_cpu / wall, 2) if wall else None,
        "llm_requests": len(served.llm),
        "spotify_requests": len(served.spotify),
        "command_ids": command_ids,  # per guild, for the floor's replay (dropped from the printed figures)
    }
