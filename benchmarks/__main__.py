"""`python -m benchmarks [--quick] [--json]`: latency, concurrency, fallback, prompt size and memory figures.

Starts the fake LLM (Groq, OpenRouter) and Spotify servers in a child process with realistic latencies and
drives `Assistant.handle_text` (the entry point the cogs use) without Discord. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time

from benchmarks.fakes import Latencies
from benchmarks.report import render_table
from benchmarks.runner import FIGURES, BenchConfig, run_all


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller samples; finishes in under a minute")
    p.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    defaults = Latencies()
    p.add_argument("--groq-ms", type=float, default=defaults.groq_latency_s * 1000, help="fake Groq latency")
    p.add_argument("--openrouter-ms", type=float, default=defaults.openrouter_latency_s * 1000)
    p.add_argument(
        "--llm-jitter-ms", type=float, default=defaults.llm_jitter_s * 1000, help="uniform 0..jitter added"
    )
    p.add_argument("--spotify-ms", type=float, default=defaults.spotify_latency_s * 1000)
    p.add_argument(
        "--spotify-sigma",
        type=float,
        default=defaults.spotify_sigma,
        help="lognormal shape of Spotify latency",
    )
    p.add_argument("--seed", type=int, default=defaults.seed)
    p.add_argument("--commands", type=int, help="commands in the end-to-end runs")
    p.add_argument("--guilds", type=int, help="guilds in the concurrency run")
    p.add_argument("--per-guild", type=int, help="commands per guild in the concurrency run")
    p.add_argument(
        "--only",
        action="append",
        choices=FIGURES,
        metavar="FIGURE",
        help=f"run only this figure (repeatable): {', '.join(FIGURES)}",
    )
    p.add_argument("--no-dev-set", action="store_true", help="do not add ../shared utterances to figure 1")
    return p.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> BenchConfig:
    latencies = Latencies(
        groq_latency_s=args.groq_ms / 1000,
        openrouter_latency_s=args.openrouter_ms / 1000,
        llm_jitter_s=args.llm_jitter_ms / 1000,
        spotify_latency_s=args.spotify_ms / 1000,
        spotify_sigma=args.spotify_sigma,
        seed=args.seed,
    )
    overrides: dict[str, object] = {
        "latencies": latencies,
        "use_dev_set": not args.no_dev_set,
        "only": frozenset(args.only or ()),
    }
    for name, value in (
        ("e2e_commands", args.commands),
        ("guilds", args.guilds),
        ("commands_per_guild", args.per_guild),
    ):
        if value is not None:
            overrides[name] = value
    return BenchConfig.quick(**overrides) if args.quick else BenchConfig(**overrides)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    config = config_from_args(args)
    started = time.perf_counter()

    def progress(step: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {step}", file=sys.stderr, flush=True)

    figures = asyncio.run(run_all(config, progress))
    figures["config"]["elapsed_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        print(render_table(figures))
        print(f"\n(elapsed {figures['config']['elapsed_s']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
