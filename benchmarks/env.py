"""The bot under test: the same services `bot.app.build_services` wires, pointed at the fakes process.

Like `bot.app.build_services` should, the SQLite repository is wrapped in `bot.storage.cached.CachedRepository`
(one object for every service, so writes invalidate the cache). Differences from production wiring, all for
measurement: every guild's controller has its own fake Spotify user and token (a `MappedTokens` provider instead
of OAuth), and the local rules can be switched off to measure the naive "every message to the LLM" design.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from benchmarks.floor import RequestTrace
from bot.assistant import Assistant
from bot.config import Settings
from bot.nlu.parser import IntentParser
from bot.nlu.plan import Context

log = logging.getLogger(__name__)

GUILD_BASE = 10_000  # guild ids are GUILD_BASE + n; their controllers are users CONTROLLER_BASE + n
CONTROLLER_BASE = 500_000


class MappedTokens:
    """TokenProvider: each Discord user id -> the access token the fake Spotify issued for it."""

    def __init__(self, tokens: Mapping[int, str]) -> None:
        self._tokens = dict(tokens)

    async def access_token(self, user_id: int) -> str:
        return self._tokens[user_id]


def bench_settings(data_dir: Path, urls: Mapping[str, str], **overrides: Any) -> Settings:
    """Settings for the benchmark bot: both LLM providers and Spotify on the fakes, generous LLM budgets."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "groq_api_key": SecretStr("gsk_benchmark_key"),
        "groq_base_url": urls["groq_base_url"],
        "openrouter_api_key": SecretStr("sk-or-benchmark-key"),
        "openrouter_base_url": urls["openrouter_base_url"],
        # a paid-tier budget: the benchmark measures latency, not the free tier's per-minute cap
        "groq_rpm": 1_000_000,
        "groq_tpm": 1_000_000_000,
        "groq_rpd": 0,  # no daily caps either (0 = none)
        "groq_tpd": 0,
        "openrouter_rpm": 0,
        "openrouter_rpd": 0,
        "plan_cache_size": 0,  # every repeated typical command would otherwise be a cache hit
        "spotify_api_base": urls["spotify_api_base"],
        "spotify_accounts_base": urls["spotify_accounts_base"],
        "spotify_client_id": "benchmark-client",
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def make_parser(settings: Settings, chain: Any, *, local_rules: bool) -> IntentParser:
    """The production parser, or the naive one (every message to the LLM, no local rules at all)."""
    from bot.nlu.parser import build_intent_parser

    if local_rules:
        return build_intent_parser(settings, chain=chain)
    return IntentParser(
        chain, temperature=settings.temperature_command, owns_chain=False, use_local_rules=False
    )


@dataclass
class BenchBot:
    settings: Settings
    assistant: Assistant
    parser: IntentParser
    sessions: Any  # bot.spotify.manager.SessionManager
    repo: Any  # bot.storage.cached.CachedRepository over bot.storage.sqlite.SqliteRepository
    chain: Any  # bot.llm.chain.LLMChain | None
    recommender: Any  # bot.llm.recommender.LLMRecommender
    http: Any  # bot.http_pool.HttpPool: the one aiohttp session, as bot.app wires it
    trace: RequestTrace  # every request of that session, by command (for the floor)

    async def aclose(self) -> None:
        closers = (
            self.sessions.aclose,
            self.parser.aclose,
            self._close_chain,
            self.repo.close,
            self.http.aclose,
        )
        for closer in closers:
            try:
                await closer()
            except Exception:
                log.exception("closing the benchmark bot failed")

    async def _close_chain(self) -> None:
        if self.chain is not None:
            await self.chain.aclose()


async def build_bot(settings: Settings, tokens: Mapping[int, str], *, local_rules: bool = True) -> BenchBot:
    """Storage, one LLM chain shared by parser and recommender, sessions on per-user tokens, the Assistant."""
    from bot.app import settle_heap
    from bot.http_pool import HttpPool
    from bot.llm.chain import build_chain
    from bot.llm.recommender import LLMRecommender
    from bot.spotify.manager import SessionManager
    from bot.storage.cached import CachedRepository
    from bot.storage.crypto import load_or_create_key
    from bot.storage.sqlite import SqliteRepository

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    repo = CachedRepository(await SqliteRepository.open(settings.database_path, load_or_create_key(settings)))
    trace = RequestTrace()
    http = HttpPool(middlewares=[trace.middleware])
    chain = build_chain(settings, http=http)
    parser = make_parser(settings, chain, local_rules=local_rules)
    recommender = LLMRecommender(chain, temperature=settings.temperature_recommend, owns_chain=False)
    sessions = SessionManager(
        repo=repo,
        tokens=MappedTokens(tokens),
        settings=settings,
        suggester=recommender,
        api_base=settings.spotify_api_base,
        http=http,
    )
    assistant = Assistant(parser, sessions)
    if chain is not None:
        for provider in chain.providers:  # the one-off model-list check is start-up work, not a command's
            with contextlib.suppress(Exception):
                await provider.wait_for_model_check()
    settle_heap()  # as bot.cli.run does once the services are built
    return BenchBot(settings, assistant, parser, sessions, repo, chain, recommender, http, trace)


async def link_guilds(bot: BenchBot, guilds: int) -> None:
    """Guild GUILD_BASE+n is controlled by user CONTROLLER_BASE+n."""
    for n in range(guilds):
        await bot.repo.update_guild_settings(GUILD_BASE + n, controller_user_id=CONTROLLER_BASE + n)


async def start_playback(bot: BenchBot, guilds: int, *, concurrency: int = 50) -> None:
    """Set-up, not measured: each guild's player starts a track, as a guild in use would have."""
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        async with gate:
            await bot.assistant.handle_text("play get lucky by daft punk", guild_context(n, "en"))

    await asyncio.gather(*(one(n) for n in range(guilds)))


def guild_context(n: int, lang: str) -> Context:
    """A message in guild n from a member who may control playback."""
    return Context(
        user_id=900_000 + n,
        guild_id=GUILD_BASE + n,
        channel_id=700_000 + n,
        locale="es" if lang == "es" else "en",
        can_control=True,
    )


def controller_ids(guilds: int) -> list[int]:
    return [CONTROLLER_BASE + n for n in range(guilds)]
