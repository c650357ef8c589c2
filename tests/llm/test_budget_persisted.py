"""A spent day survives a restart: budgets saved through the real SQLite repository, read by the next process."""

from __future__ import annotations

import json
import time
from pathlib import Path

from bot.llm.budget import day_window
from bot.llm.chain import LLMChain, build_chain
from bot.storage.crypto import TokenCipher
from bot.storage.sqlite import SqliteRepository
from tests.fakes.llm_server import FakeLLMServer, answer, rate_limited
from tests.llm.helpers import run_command, settings_for

MODEL = "openai/gpt-oss-20b"
PAUSE = json.dumps({"actions": [{"action": "pause"}]})
CIPHER = TokenCipher.generate()


async def open_repo(path: Path) -> SqliteRepository:
    return await SqliteRepository.open(path / "bot.sqlite3", CIPHER)


def groq_only(server: FakeLLMServer, repo: SqliteRepository, **over: object) -> LLMChain:
    chain = build_chain(settings_for(server, openrouter=False, groq_models=[MODEL], **over), repo)
    assert chain is not None
    return chain


async def test_a_spent_day_is_remembered_after_a_restart(llm_server: FakeLLMServer, tmp_path: Path) -> None:
    llm_server.script(answer(PAUSE), times=None)
    llm_server.limit_requests = 2  # Groq says: 2 requests a day (as configured below)
    repo = await open_repo(tmp_path)
    chain = groq_only(llm_server, repo, groq_rpd=2)
    try:
        assert await run_command(chain, "hold on") is not None
        assert await run_command(chain, "hold on please") is not None
        assert await run_command(chain, "hold on now") is None  # spent: nothing sent
    finally:
        await chain.aclose()  # saves what was spent
        await repo.close()
    assert len(llm_server.requests) == 2

    repo = await open_repo(tmp_path)
    restarted = groq_only(llm_server, repo, groq_rpd=2)
    try:
        assert await run_command(restarted, "hold on") is None
    finally:
        await restarted.aclose()
        await repo.close()
    assert len(llm_server.requests) == 2  # the new process knew the day was spent


async def test_a_server_side_block_is_remembered_after_a_restart(
    llm_server: FakeLLMServer, tmp_path: Path
) -> None:
    llm_server.remaining_requests = 1  # the answer says "0 requests left" (reset in 6 s)
    repo = await open_repo(tmp_path)
    chain = groq_only(llm_server, repo)
    try:
        assert await run_command(chain, "hold on") is not None
    finally:
        await chain.aclose()
        await repo.close()
    repo = await open_repo(tmp_path)
    restarted = groq_only(llm_server, repo)
    try:
        assert await run_command(restarted, "hold on") is None
    finally:
        await restarted.aclose()
        await repo.close()
    assert len(llm_server.requests) == 1


async def test_requests_and_tokens_are_counted_in_the_shared_counters(
    llm_server: FakeLLMServer, tmp_path: Path
) -> None:
    repo = await open_repo(tmp_path)
    chain = groq_only(llm_server, repo)
    try:
        result = await run_command(chain, "hold on")
        assert result is not None
    finally:
        await chain.aclose()
    try:
        window = day_window(time.time())
        requests = await repo.get_usage(f"llm:groq:{MODEL}:requests", window)
        tokens = await repo.get_usage(f"llm:groq:{MODEL}:tokens", window)
    finally:
        await repo.close()
    assert requests == 1
    assert tokens == result.prompt_tokens + result.completion_tokens  # the settled usage, not the estimate


async def test_a_long_429_is_remembered_after_a_restart(llm_server: FakeLLMServer, tmp_path: Path) -> None:
    llm_server.script(rate_limited(retry_after=3 * 3600), times=1)  # Groq: tokens per day spent
    repo = await open_repo(tmp_path)
    chain = groq_only(llm_server, repo)
    try:
        assert await run_command(chain, "hold on") is None
    finally:
        await chain.aclose()
        await repo.close()
    repo = await open_repo(tmp_path)
    restarted = groq_only(llm_server, repo)
    try:
        assert await run_command(restarted, "hold on") is None
    finally:
        await restarted.aclose()
        await repo.close()
    assert len(llm_server.requests) == 1
