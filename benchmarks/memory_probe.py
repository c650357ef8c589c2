"""Figure 6, run in a fresh process: the bot's peak RSS after N guild sessions and M parses.

`python -m benchmarks.memory_probe '{"guilds": 1000, "parses": 10000}'` prints one JSON line. The fakes run in
their own process (with no added latency), so only the bot's memory is counted here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

import psutil


def _rss_mb() -> float:
    return psutil.Process().memory_info().rss / (1024 * 1024)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def probe(guilds: int, parses: int, concurrency: int) -> dict[str, Any]:
    from benchmarks.env import build_bot, controller_ids, guild_context, link_guilds
    from benchmarks.fakes import FakesProcess, Latencies
    from benchmarks.utterances import generate

    zero = Latencies(0.0, 0.0, 0.0, 0.0, 0.0)
    utterances = generate(max(parses, 1), seed=3)
    after_imports = _rss_mb()
    async with FakesProcess(zero) as fakes:
        tokens = await fakes.add_users(controller_ids(guilds))
        with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
            from benchmarks.env import bench_settings

            bot = await build_bot(bench_settings(Path(tmp), fakes.urls), tokens)
            try:
                await link_guilds(bot, guilds)
                after_start = _rss_mb()
                gate = asyncio.Semaphore(concurrency)

                async def one_command(n: int) -> None:
                    async with gate:
                        await bot.assistant.handle_text(
                            "pause" if n % 2 else "volume 40", guild_context(n, "en")
                        )

                await asyncio.gather(*(one_command(n) for n in range(guilds)))
                sessions = bot.sessions.session_count
                await fakes.drain()
                after_sessions = _rss_mb()

                async def one_parse(i: int) -> None:
                    u = utterances[i]
                    async with gate:
                        await bot.parser.parse(u.text, guild_context(i % max(guilds, 1), u.lang))

                for start in range(0, parses, 1000):  # batches, draining the fakes' logs between them
                    await asyncio.gather(*(one_parse(i) for i in range(start, min(start + 1000, parses))))
                    await fakes.drain()
                after_parses = _rss_mb()
            finally:
                await bot.aclose()
    return {
        "guild_sessions": sessions,
        "parses": parses,
        "rss_after_imports_mb": round(after_imports, 1),
        "rss_after_start_mb": round(after_start, 1),
        "rss_after_sessions_mb": round(after_sessions, 1),
        "rss_after_parses_mb": round(after_parses, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    args = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    result = asyncio.run(
        probe(
            int(args.get("guilds", 1000)), int(args.get("parses", 10_000)), int(args.get("concurrency", 50))
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
