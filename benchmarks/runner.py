"""Runs every figure in order and returns them as one JSON-ready dict."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from benchmarks.concurrency import run_concurrent
from benchmarks.end_to_end import Sample, naive_comparison, path_figures, run_sequential
from benchmarks.env import BenchBot, bench_settings, build_bot, controller_ids, link_guilds, start_playback
from benchmarks.fakes import REPO_ROOT, FakesProcess, Latencies
from benchmarks.fallback import run_fallback
from benchmarks.floor import FloorClient
from benchmarks.llm_budget import run as run_llm_budget
from benchmarks.load import run_load, step_seconds
from benchmarks.local_parser import measure_local_parser
from benchmarks.report import evaluate_targets
from benchmarks.stats import Summary
from benchmarks.sustained import run_sustained
from benchmarks.utterances import Utterance, generate, shared_dev_set, typical_mix

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class BenchConfig:
    latencies: Latencies = field(default_factory=Latencies)
    local_utterances: int = 10_000
    use_dev_set: bool = True
    e2e_commands: int = 400
    warmup_commands: int = 20
    guilds: int = 200
    commands_per_guild: int = 5
    fallback_trials: int = 5
    memory_guilds: int = 1000
    memory_parses: int = 10_000
    llm_budget_commands: int = (
        1000  # typical commands read for the LLM-budget figure (benchmarks/llm_budget.py)
    )
    # sustained Poisson load in one process (benchmarks/load.py; empty: not measured)
    load_rates: tuple[float, ...] = (10, 30, 100, 200, 300)
    load_step_s: float = 8.0
    load_min_commands: int = 400  # a rate runs longer than load_step_s until about this many commands arrive
    # sustained load on PostgreSQL, 1 vs 2 worker processes (empty: not measured)
    sustained_rates: tuple[float, ...] = (25, 50, 100, 150, 200, 300, 400)
    sustained_step_s: float = 8.0
    sustained_guilds: int = 100
    # figures to run (names in FIGURES; empty: all). The single-command run that the burst and the sustained
    # load divide by runs whenever one of them is chosen.
    only: frozenset[str] = frozenset()

    def wants(self, figure: str) -> bool:
        return not self.only or figure in self.only

    @classmethod
    def quick(cls, **overrides: Any) -> BenchConfig:
        base = cls(
            e2e_commands=50,
            warmup_commands=10,
            fallback_trials=1,
            memory_guilds=1000,
            memory_parses=3000,
            sustained_rates=(50, 100, 150),
            sustained_step_s=3.0,
            load_step_s=3.0,
            load_min_commands=100,
            sustained_guilds=40,
        )
        return replace(base, **overrides)

    @classmethod
    def tiny(cls, **overrides: Any) -> BenchConfig:
        """For the smoke test: every figure, in seconds."""
        base = cls(
            latencies=Latencies(0.002, 0.004, 0.001, 0.002, 0.001),
            local_utterances=300,
            use_dev_set=False,
            e2e_commands=12,
            warmup_commands=2,
            guilds=4,
            commands_per_guild=2,
            fallback_trials=1,
            memory_guilds=4,
            memory_parses=40,
            sustained_rates=(),
            llm_budget_commands=60,
            load_rates=(5.0, 20.0),
            load_step_s=0.5,
            load_min_commands=0,
        )
        return replace(base, **overrides)


# what `--only` accepts
FIGURES: tuple[str, ...] = (
    "local_parser",
    "llm_budget",
    "end_to_end",
    "concurrency",
    "load",
    "naive",
    "fallback",
    "sustained",
    "memory",
)

BURST_SEED = 23
LOAD_SEED = 29


async def replay(run: Callable[[FloorClient], Awaitable[list[float]]]) -> list[float]:
    """Latencies (ms) of one floor replay on a fresh bare aiohttp client."""
    floor = FloorClient()
    try:
        return [x * 1000.0 for x in await run(floor)]
    finally:
        await floor.aclose()


def _quiet(_: str) -> None:
    return None


async def run_all(config: BenchConfig, progress: Progress = _quiet) -> dict[str, Any]:
    figures: dict[str, Any] = {"config": _config_dict(config)}
    if config.wants("local_parser"):
        progress("local parser")
        local = generate(config.local_utterances)
        if config.use_dev_set:
            local += shared_dev_set(REPO_ROOT)
        figures["local_parser"] = measure_local_parser(local)
    if config.wants("llm_budget"):
        progress(f"LLM budget ({config.llm_budget_commands} typical commands)")
        figures["llm_budget"] = await run_llm_budget(config.llm_budget_commands)
    if any(config.wants(f) for f in ("end_to_end", "concurrency", "load", "naive", "fallback", "sustained")):
        await _run_against_fakes(config, figures, progress)
    if config.wants("memory"):
        progress(
            f"memory ({config.memory_guilds} guild sessions, {config.memory_parses} parses, fresh process)"
        )
        figures["memory"] = await measure_memory(config)
    figures["targets"] = evaluate_targets(figures)
    return figures


async def _run_against_fakes(config: BenchConfig, figures: dict[str, Any], progress: Progress) -> None:
    # the single-command denominator: the same mix (generator and seed) as the burst
    commands = typical_mix(config.warmup_commands + config.e2e_commands, seed=BURST_SEED)
    warmup, measured = commands[: config.warmup_commands], commands[config.warmup_commands :]
    with_ours = any(config.wants(f) for f in ("end_to_end", "concurrency", "load", "naive"))

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        async with FakesProcess(config.latencies) as fakes:
            tokens = await fakes.add_users(controller_ids(max(config.guilds, 2)))

            async def make_bot(data_dir: Path, *, local_rules: bool = True, guilds: int = 2) -> BenchBot:
                bot = await build_bot(bench_settings(data_dir, fakes.urls), tokens, local_rules=local_rules)
                await link_guilds(bot, guilds)
                await start_playback(bot, guilds)
                await fakes.drain()
                return bot

            ours: list[Sample] = []
            ours_llm: list[dict[str, Any]] = []
            if with_ours:
                progress(f"end to end ({len(measured)} commands, local rules first)")
                bot = await make_bot(tmp / "ours", guilds=max(config.guilds, 2))
                try:
                    ours, ours_llm = await _ours(config, bot, fakes, warmup, measured, figures, progress)
                finally:
                    await bot.aclose()

            if config.wants("naive"):
                progress(f"end to end ({len(measured)} commands, every message to the LLM)")
                naive_bot = await make_bot(tmp / "naive", local_rules=False)
                try:
                    await run_sequential(naive_bot, fakes, warmup, guild=1)
                    naive, naive_llm = await run_sequential(naive_bot, fakes, measured, guild=1)
                finally:
                    await naive_bot.aclose()
                figures["naive_design"] = naive_comparison(ours, naive)
                figures["prompt_tokens"] = prompt_token_figures(ours_llm + naive_llm)

            if config.wants("fallback"):
                progress("fallback")
                figures["fallback"] = await run_fallback(
                    fakes, lambda d: make_bot(d), tmp, trials=config.fallback_trials
                )

            if config.sustained_rates and config.wants("sustained"):
                figures["sustained"] = await run_sustained(
                    fakes,
                    tmp / "sustained",
                    rates=config.sustained_rates,
                    seconds=config.sustained_step_s,
                    guilds=config.sustained_guilds,
                    progress=progress,
                )


async def _ours(
    config: BenchConfig,
    bot: BenchBot,
    fakes: FakesProcess,
    warmup: Sequence[Utterance],
    measured: Sequence[Utterance],
    figures: dict[str, Any],
    progress: Progress,
) -> tuple[list[Sample], list[dict[str, Any]]]:
    """Figures 2, 3 and 3b on one bot: one command at a time (the denominator), the burst, sustained load."""
    await run_sequential(bot, fakes, warmup, guild=0)
    ours, ours_llm = await run_sequential(bot, fakes, measured, guild=0)
    figures["end_to_end"] = path_figures(ours)
    single_p99 = Summary.of([s.latency_s * 1000.0 for s in ours]).p99
    progress("floor: the same requests, one command at a time, on a bare aiohttp client")
    floor_single = await replay(lambda f: f.sequential([bot.trace.waves(s.command_id) for s in ours]))
    floor_single_p99 = Summary.of(floor_single).p99
    figures["end_to_end"]["floor"] = {"latency_ms": Summary.of(floor_single).as_dict(3)}
    bot.trace.clear()
    await fakes.drain()
    ours_llm += await recommendation_requests(bot, fakes)

    if config.wants("concurrency"):
        progress(f"concurrency ({config.guilds} guilds × {config.commands_per_guild} commands)")
        figures["concurrency"] = await _burst(config, bot, fakes, single_p99, floor_single_p99)

    if config.load_rates and config.wants("load"):
        progress(f"sustained Poisson load at {', '.join(f'{r:g}' for r in config.load_rates)} commands/s")
        longest = max(
            r * step_seconds(r, config.load_step_s, config.load_min_commands) for r in config.load_rates
        )
        total = int(longest * 1.3) + 10
        figures["load"] = await run_load(
            bot,
            fakes,
            typical_mix(total, seed=LOAD_SEED),
            rates=config.load_rates,
            seconds=config.load_step_s,
            guilds=config.guilds,
            single_p99_ms=single_p99,
            floor_single_p99_ms=floor_single_p99,
            min_commands=config.load_min_commands,
        )
    return ours, ours_llm


async def _burst(
    config: BenchConfig, bot: BenchBot, fakes: FakesProcess, single_p99: float, floor_single_p99: float
) -> dict[str, Any]:
    burst = typical_mix(config.guilds * config.commands_per_guild, seed=BURST_SEED)
    conc = await run_concurrent(bot, fakes, burst, guilds=config.guilds, per_guild=config.commands_per_guild)
    command_ids = conc.pop("command_ids")
    floor_burst = await replay(
        lambda f: f.burst([[bot.trace.waves(c) for c in guild] for guild in command_ids])
    )
    bot.trace.clear()
    await fakes.drain()
    conc["single_p99_ms"] = round(single_p99, 3)
    p99 = conc["latency_ms"]["p99"]
    conc["p99_over_single"] = round(p99 / single_p99, 3) if p99 and single_p99 else None
    floor_p99 = Summary.of(floor_burst).p99
    conc["floor"] = {
        "single_p99_ms": round(floor_single_p99, 3),
        "p99_ms": round(floor_p99, 3),
        "p99_over_single": round(floor_p99 / floor_single_p99, 3) if floor_single_p99 else None,
    }
    if conc["p99_over_single"] and conc["floor"]["p99_over_single"]:
        conc["ratio_over_floor"] = round(conc["p99_over_single"] / conc["floor"]["p99_over_single"], 2)
    return conc


RECOMMEND_PROMPTS = (("upbeat 80s synth-pop for a road trip", "en"), ("algo tranquilo para estudiar", "es"))


async def recommendation_requests(bot: BenchBot, fakes: FakesProcess) -> list[dict[str, Any]]:
    """What a recommendation request looks like on the wire (the suggester the sessions use)."""
    await fakes.drain()
    for prompt, lang in RECOMMEND_PROMPTS:
        await bot.recommender.suggest_tracks(prompt, 5, lang)
    return (await fakes.drain()).llm


def prompt_token_figures(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Prompt tokens per LLM request (the bot's own estimate applied to what went over the wire)."""
    from bot.nlu.prompt import command_prompt_tokens, recommend_prompt_tokens

    out: dict[str, Any] = {}
    for kind, name, static in (
        ("command", "one_line_command", command_prompt_tokens()),
        ("recommend", "recommendation", recommend_prompt_tokens()),
    ):
        chosen = [r for r in records if r.get("kind") == kind]
        messages = Summary.of([float(r["prompt_tokens"]) for r in chosen])
        total = Summary.of([float(r["prompt_tokens"] + r["schema_tokens"]) for r in chosen])
        out[name] = {
            "requests": len(chosen),
            "messages_p50": messages.as_dict(0)["p50"],
            "messages_p99": messages.as_dict(0)["p99"],
            "total_p50": total.as_dict(0)["p50"],
            "total_p99": total.as_dict(0)["p99"],
            "schema_tokens": chosen[0]["schema_tokens"] if chosen else None,
            "static_estimate": static,
        }
    return out


async def measure_memory(config: BenchConfig) -> dict[str, Any]:
    """Run benchmarks.memory_probe in a fresh interpreter and read its JSON line."""
    args = json.dumps({"guilds": config.memory_guilds, "parses": config.memory_parses})
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.memory_probe",
        args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=str(REPO_ROOT),
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        tail = err.decode(errors="replace")[-2000:]
        raise RuntimeError(f"memory probe failed ({proc.returncode}):\n{tail}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def _config_dict(config: BenchConfig) -> dict[str, Any]:
    data = asdict(config)
    data["only"] = sorted(config.only)
    data["python"] = platform.python_version()
    data["cpus"] = os.cpu_count()
    data["started_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return data


__all__ = ["BenchConfig", "Sample", "run_all"]
