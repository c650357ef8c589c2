"""Sustained load on PostgreSQL: commands per second at a p99 limit, one worker process vs two, in one run.

Each step offers a fixed rate of commands for a few seconds (open loop: command k is due at k / rate, and its
latency counts from then, so a backlog shows up as latency), spread round-robin over the guilds and the workers.
The workers are the real services (`build_services`) in their own processes (tests/multiprocess/worker.py) on
one PostgreSQL; Spotify is the fakes process with its usual latency. Commands are `volume N` (local rules, one
Spotify call each), so the figure is the bot's own capacity, not the LLM's. A rate is sustained when its p99
stays within P99_LIMIT_MS and at least 95 % of the offered rate was completed in the step.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.fakes import FakesProcess
from benchmarks.stats import Summary

P99_LIMIT_MS = 500.0
GUILD_BASE = 5_000_000
USER_BASE = 6_000_000
APP = "benchmark-client"


async def _link(dsn: str, key: str, tokens: dict[int, str]) -> None:
    from bot.storage.crypto import TokenCipher
    from bot.storage.postgres import PostgresRepository
    from bot.storage.repository import LinkedAccount, SpotifyToken

    repo = await PostgresRepository.open(dsn, TokenCipher(key))
    try:
        for n, (user_id, token) in enumerate(sorted(tokens.items())):
            account = LinkedAccount(
                user_id, f"bench{user_id}", f"Bench {n}", APP, SpotifyToken(token, "r", time.time() + 86_400)
            )
            await repo.save_account(account)
            await repo.update_guild_settings(GUILD_BASE + n, controller_user_id=user_id)
    finally:
        await repo.close()


async def _step(workers: Sequence[Any], rate: float, seconds: float, guilds: int) -> dict[str, Any]:
    total = max(1, int(rate * seconds))
    latencies: list[float] = []
    failures = 0
    started = time.perf_counter()

    async def one(k: int) -> None:
        nonlocal failures
        due = started + k / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        guild = k % guilds
        reply = await workers[k % len(workers)].say(
            USER_BASE + guild, GUILD_BASE + guild, f"volume {k % 90 + 5}"
        )
        latencies.append((time.perf_counter() - due) * 1000.0)
        if not reply.get("ok"):
            failures += 1

    await asyncio.gather(*(one(k) for k in range(total)))
    elapsed = time.perf_counter() - started
    summary = Summary.of(latencies)
    completed_rate = total / elapsed
    return {
        "offered_per_s": rate,
        "completed_per_s": round(completed_rate, 1),
        "commands": total,
        "failures": failures,
        "p50_ms": round(summary.p50, 1),
        "p99_ms": round(summary.p99, 1),
        "sustained": failures == 0 and summary.p99 <= P99_LIMIT_MS and completed_rate >= 0.95 * rate,
    }


async def _one_setup(
    processes: int, dsn: str, key: str, fakes: FakesProcess, data_dir: Path, rates: Sequence[float], seconds: float,
    guilds: int, progress: Callable[[str], None],
) -> dict[str, Any]:  # fmt: skip
    from tests.multiprocess.deployment import Worker, base_env_for

    env = base_env_for(
        dsn, key, data_dir, fakes.urls["spotify_api_base"], fakes.urls["spotify_accounts_base"]
    )
    env["SPOTIFY_CLIENT_ID"] = APP
    workers = await asyncio.gather(*(Worker.start(f"w{i}", env) for i in range(processes)))
    steps: list[dict[str, Any]] = []
    try:
        # warm-up, not measured: every worker opens a session for every guild it will serve
        await asyncio.gather(
            *(w.say(USER_BASE + g, GUILD_BASE + g, "volume 50") for w in workers for g in range(guilds))
        )
        for rate in rates:
            progress(f"sustained load: {processes} process(es), {rate:.0f} commands/s for {seconds:.0f} s")
            step = await _step(workers, rate, seconds, guilds)
            steps.append(step)
            if not step["sustained"]:
                break
    finally:
        await asyncio.gather(*(w.stop() for w in workers))
    best = max((s["offered_per_s"] for s in steps if s["sustained"]), default=None)
    return {"processes": processes, "max_sustained_per_s": best, "steps": steps}


async def run_sustained(
    fakes: FakesProcess,
    data_dir: Path,
    *,
    rates: Sequence[float],
    seconds: float,
    guilds: int,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """The figure for 1 and 2 worker processes on one PostgreSQL, or {"skipped": reason} without PostgreSQL."""
    from cryptography.fernet import Fernet

    from tests.storage.pg_cluster import ClusterUnavailable, ThrowawayCluster

    cluster: ThrowawayCluster | None = None
    dsn = os.environ.get("DATABASE_URL", "")
    source = "DATABASE_URL"
    if not dsn.startswith(("postgresql://", "postgres://")):
        cluster, source = ThrowawayCluster(), "a throwaway cluster"
        try:
            dsn = await asyncio.to_thread(cluster.start)
        except ClusterUnavailable as exc:
            return {"skipped": str(exc)}
    try:
        key = Fernet.generate_key().decode()
        out: dict[str, Any] = {
            "p99_limit_ms": P99_LIMIT_MS,
            "guilds": guilds,
            "step_s": seconds,
            "postgres": source,
        }
        for processes in (1, 2):
            schema_dsn = await _fresh_schema(dsn, f"bench_{processes}p_{os.getpid()}")
            tokens = await fakes.add_users([USER_BASE + g for g in range(guilds)])
            await _link(schema_dsn, key, tokens)
            out[f"processes_{processes}"] = await _one_setup(
                processes, schema_dsn, key, fakes, data_dir, rates, seconds, guilds, progress
            )
            await fakes.drain()
        return out
    finally:
        if cluster is not None:
            await asyncio.to_thread(cluster.stop)


async def _fresh_schema(dsn: str, schema: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    return f"{dsn}{'&' if '?' in dsn else '?'}search_path={schema}"
