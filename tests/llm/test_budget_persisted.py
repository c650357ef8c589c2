"""A spent day survives a restart: budgets saved through the real SQLite repository, read by the next process."""

from __future__ import annotations

import json
from pathlib import Path

from bot.llm.chain import LLMChain, build_chain
from bot.storage.crypto import TokenCipher
from bot.storage.sqlite import SqliteRepository
from tests.fakes.llm_server import FakeLLMServer, answer
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
    llm_server.limit_requests = 2  # Groq's x-ratelimit-limit-requests: 2 requests a day
    repo = await open_repo(tmp_path)
    chain = groq_only(llm_server, repo)
    try:
        assert await run_command(chain, "hold on") is not None
        assert await run_command(chain, "hold on please") is not None
        assert await run_command(chain, "hold on now") is None  # spent: nothing sent
    finally:
        await chain.aclose()  # saves what was spent
        await repo.close()
    assert len(llm_server.requests) == 2

    repo = await open_repo(tmp_path)
    restarted = groq_only(llm_server, repo)
    try:
        assert await run_command(restarted, "hold on") is None
    finally:
        await restarted.aclose()
        await repo.close()
    assert len(llm_server.requests) == 2  # the new process knew the day was spent


async def test_tokens_learned_from_headers_are_saved(llm_server: FakeLLMServer, tmp_path: Path) -> None:
    llm_server.limit_requests, llm_server.limit_tokens = 500, 6000
    repo = await open_repo(tmp_path)
    chain = groq_only(llm_server, repo)
    try:
        assert await run_command(chain, "hold on") is not None
    finally:
        await chain.aclose()
    try:
        [raw] = (await repo.load_llm_usage()).values()
    finally:
        await repo.close()
    record = json.loads(raw)
    assert record["requests"] == 1 and record["tokens"] > 0
    assert record["learned"] == {"rpd": 500, "tpm": 6000}


async def test_an_unreadable_saved_record_does_not_stop_the_chain(
    llm_server: FakeLLMServer, tmp_path: Path
) -> None:
    repo = await open_repo(tmp_path)
    await repo.save_llm_usage({f"groq:{MODEL}": "{broken"})
    chain = groq_only(llm_server, repo)
    try:
        assert await run_command(chain, "hold on") is not None
    finally:
        await chain.aclose()
        await repo.close()
