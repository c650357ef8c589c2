"""The LLM chain through the real groq and openai clients, against the loopback fake server."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.config import Settings
from bot.llm.chain import LLMChain, build_chain
from bot.nlu.actions import Pause, Play, Volume
from bot.nlu.prompt import COMMAND_FORMAT_STRICT
from tests.fakes.llm_server import (
    FakeLLMServer,
    Step,
    answer,
    decommissioned,
    delay,
    drop,
    error_body,
    http_error,
    malformed_body,
    no_credit,
    rate_limited,
    server_error,
)
from tests.llm.helpers import run_command, settings_for

GROQ_20B = "openai/gpt-oss-20b"
GROQ_120B = "openai/gpt-oss-120b"
OR_20B = "openai/gpt-oss-20b:free"
PLAY = json.dumps({"actions": [{"action": "play", "query": "get lucky daft punk", "kind": "track"}]})
PAUSE = json.dumps({"actions": [{"action": "pause"}]})

ChainFactory = Callable[..., LLMChain]


@pytest.fixture
async def make_chain(llm_server: FakeLLMServer) -> AsyncIterator[ChainFactory]:
    chains: list[LLMChain] = []

    def make(**over: Any) -> LLMChain:
        chain = build_chain(settings_for(llm_server, **over))
        assert chain is not None
        chains.append(chain)
        return chain

    yield make
    for chain in chains:
        await chain.aclose()


async def test_happy_path_groq_first_model(llm_server: FakeLLMServer, make_chain: ChainFactory) -> None:
    llm_server.script(answer(PLAY))
    result = await run_command(make_chain(), "put on get lucky please")
    assert result is not None
    assert result.value == [Play(query="get lucky daft punk", kind="track")]
    assert result.source == f"groq:{GROQ_20B}"
    assert result.prompt_tokens > 0 and result.completion_tokens > 0
    [sent] = llm_server.requests
    assert sent.path == "/openai/v1/chat/completions"
    assert sent.status == 200 and sent.fake_s is not None and sent.fake_s < 1.0
    assert sent.headers["Authorization"] == "Bearer gsk_test_key"
    assert sent.json["temperature"] == 0.7
    assert sent.json["response_format"] == {"type": "json_object"}
    user = sent.json["messages"][-1]
    assert user["role"] == "user" and json.loads(user["content"])["text"] == "put on get lucky please"


async def test_strict_schema_is_sent_to_gpt_oss_when_asked(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(answer(PLAY))
    result = await run_command(make_chain(), "put on get lucky please", fmt=COMMAND_FORMAT_STRICT)
    assert result is not None and result.value == [Play(query="get lucky daft punk", kind="track")]
    [sent] = llm_server.requests
    assert sent.json["response_format"]["type"] == "json_schema"
    assert sent.json["response_format"]["json_schema"]["strict"] is True


async def test_429_retry_after_is_waited_once_when_nothing_else_can_answer(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(rate_limited(retry_after=1), answer(PAUSE))
    chain = make_chain(openrouter=False, groq_models=[GROQ_20B])
    result = await run_command(chain, "hold on")
    assert result is not None and result.value == [Pause()]
    assert result.source == f"groq:{GROQ_20B}"
    first, second = llm_server.requests
    assert first.model == second.model == GROQ_20B
    assert second.at - first.at >= 0.95


async def test_429_once_moves_to_the_next_model_instead_of_waiting(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(rate_limited(retry_after=1))
    started = time.monotonic()
    result = await run_command(make_chain(), "hold on")
    assert time.monotonic() - started < 0.8
    assert result is not None and result.source == f"groq:{GROQ_120B}"
    assert [r.model for r in llm_server.requests] == [GROQ_20B, GROQ_120B]


async def test_429_on_every_groq_request_is_answered_by_openrouter_and_cools_groq(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(rate_limited(retry_after=1), provider="groq", times=None)
    chain = make_chain()
    started = time.monotonic()
    first = await run_command(chain, "hold on")
    assert time.monotonic() - started < 1.0  # no Retry-After was waited out
    assert first is not None and first.source == f"openrouter:{OR_20B}"
    assert [r.model for r in llm_server.requests_to("groq")] == [GROQ_20B, GROQ_120B]
    second = await run_command(chain, "hold on")  # within the Retry-After: Groq is not asked at all
    assert second is not None and second.source == f"openrouter:{OR_20B}"
    assert len(llm_server.requests_to("groq")) == 2
    assert len(llm_server.requests_to("openrouter")) == 2


async def test_second_429_gives_up_on_the_model_and_later_requests_skip_it(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(rate_limited(retry_after=1), times=None)
    chain = make_chain(openrouter=False, groq_models=[GROQ_20B])
    started = time.monotonic()
    assert await run_command(chain, "hold on") is None
    assert time.monotonic() - started < 1.6  # one Retry-After waited, not the whole deadline
    assert len(llm_server.requests) == 2
    started = time.monotonic()
    assert await run_command(chain, "hold on") is None  # still cooling down: nothing sent
    assert time.monotonic() - started < 0.2
    assert len(llm_server.requests) == 2


async def test_short_retry_after_is_waited_when_it_beats_the_next_provider(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.latency["openrouter"] = 0.6
    chain = make_chain(groq_models=[GROQ_20B])
    await run_command(chain, "hold on")  # Groq answers: its typical latency is now known (fast)
    llm_server.script(http_error(400, message="Bad request."), provider="groq")
    slow = await run_command(chain, "hold on")  # OpenRouter answers: its typical latency is known (slow)
    assert slow is not None and slow.source.startswith("openrouter:")
    llm_server.clear_script()
    llm_server.requests.clear()
    llm_server.script(rate_limited(retry_after=0), provider="groq")
    result = await run_command(chain, "hold on")
    assert result is not None and result.source == f"groq:{GROQ_20B}"
    assert [r.provider for r in llm_server.requests] == ["groq", "groq"]


async def test_429_too_long_moves_to_next_model_at_once(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(rate_limited(retry_after=30), model=GROQ_20B)
    started = time.monotonic()
    result = await run_command(make_chain(), "hold on")
    assert time.monotonic() - started < 1.0
    assert result is not None and result.source == f"groq:{GROQ_120B}"
    assert [r.model for r in llm_server.requests] == [GROQ_20B, GROQ_120B]


async def test_groq_down_falls_back_to_openrouter_with_attribution(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(server_error(503), provider="groq", times=None)
    llm_server.script(answer(PAUSE), provider="openrouter")
    started = time.monotonic()
    result = await run_command(make_chain(), "hold on")
    assert time.monotonic() - started < 1.0
    assert result is not None and result.value == [Pause()]
    assert result.source == f"openrouter:{OR_20B}"
    assert [r.model for r in llm_server.requests_to("groq")] == [GROQ_20B, GROQ_20B]  # one quick retry
    [openrouter] = llm_server.requests_to("openrouter")
    assert openrouter.path == "/api/v1/chat/completions"
    assert openrouter.headers["HTTP-Referer"].startswith("https://")
    assert openrouter.headers["X-Title"] == "Spotify Discord Bot"
    assert openrouter.headers["Authorization"] == "Bearer sk-or-test-key"


async def test_failing_groq_goes_after_openrouter_for_the_next_requests(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(server_error(503), provider="groq", times=None)
    chain = make_chain()
    await run_command(chain, "hold on")
    started = time.monotonic()
    second = await run_command(chain, "hold on")
    assert time.monotonic() - started < 0.5
    assert second is not None and second.source == f"openrouter:{OR_20B}"
    assert len(llm_server.requests_to("groq")) == 2  # none for the second request


async def test_groq_timeouts_fall_back_to_openrouter(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(delay(3.0), provider="groq", times=None)
    started = time.monotonic()
    result = await run_command(make_chain(llm_request_timeout_s=0.3), "hold on")
    assert time.monotonic() - started < 1.5
    assert result is not None and result.source == f"openrouter:{OR_20B}"
    assert len(llm_server.requests_to("groq")) == 2


async def test_degraded_provider_is_still_used_when_the_others_fail(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(server_error(503), provider="groq", model=GROQ_20B, times=2)
    llm_server.script(server_error(502), provider="openrouter", times=None)
    result = await run_command(make_chain(), "hold on")
    assert result is not None and result.source == f"groq:{GROQ_120B}"
    assert [r.model for r in llm_server.requests_to("groq")] == [GROQ_20B, GROQ_20B, GROQ_120B]
    assert len(llm_server.requests_to("openrouter")) == 2


@pytest.mark.parametrize(
    "fault", [drop(), malformed_body(502), server_error(500)], ids=["drop", "html", "500"]
)
async def test_transient_failure_is_retried_once(
    llm_server: FakeLLMServer, make_chain: ChainFactory, fault: Step
) -> None:
    llm_server.script(fault, answer(PAUSE))
    result = await run_command(make_chain(), "hold on")
    assert result is not None and result.source == f"groq:{GROQ_20B}"
    assert [r.model for r in llm_server.requests] == [GROQ_20B] * 2


async def test_invalid_json_gets_one_repair_request(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(answer("Sure! I will pause the music for you."), answer(PAUSE))
    result = await run_command(make_chain(), "hold on")
    assert result is not None and result.value == [Pause()]
    assert result.source == f"groq:{GROQ_20B}"
    _first, repair = llm_server.requests
    assert [m["role"] for m in repair.json["messages"]] == ["system", "user", "assistant", "user"]
    assert repair.json["messages"][2]["content"] == "Sure! I will pause the music for you."
    assert "not valid JSON" in repair.json["messages"][3]["content"]


async def test_repair_quotes_the_validation_error(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    bad = json.dumps({"actions": [{"action": "volume", "level": 400}]})
    llm_server.script(answer(bad), answer(json.dumps({"actions": [{"action": "volume", "level": 100}]})))
    result = await run_command(make_chain(), "louder than possible")
    assert result is not None and result.value == [Volume(level=100)]
    assert "level" in llm_server.requests[1].json["messages"][-1]["content"]


async def test_failed_repair_moves_to_next_model(llm_server: FakeLLMServer, make_chain: ChainFactory) -> None:
    llm_server.script(answer("nope"), times=2, model=GROQ_20B)
    llm_server.script(answer(PAUSE), model=GROQ_120B)
    result = await run_command(make_chain(), "hold on")
    assert result is not None and result.source == f"groq:{GROQ_120B}"
    assert [r.model for r in llm_server.requests] == [GROQ_20B, GROQ_20B, GROQ_120B]


async def test_everything_down_returns_none_within_deadline(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(server_error(500), times=None)
    started = time.monotonic()
    result = await run_command(make_chain(), "hold on")
    assert result is None
    assert time.monotonic() - started < 2.7
    assert llm_server.requests_to("groq") and llm_server.requests_to("openrouter")


async def test_decommissioned_model_is_skipped_without_retry(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(decommissioned(GROQ_20B), model=GROQ_20B, times=None)
    chain = make_chain()
    first = await run_command(chain, "hold on")
    second = await run_command(chain, "hold on")
    assert first is not None and second is not None
    assert first.source == second.source == f"groq:{GROQ_120B}"
    assert [r.model for r in llm_server.requests] == [GROQ_20B, GROQ_120B, GROQ_120B]


async def test_deadline_is_respected(llm_server: FakeLLMServer, make_chain: ChainFactory) -> None:
    llm_server.script(delay(5.0), times=None)
    started = time.monotonic()
    result = await run_command(make_chain(llm_deadline_s=0.6, llm_request_timeout_s=2.0), "hold on")
    elapsed = time.monotonic() - started
    assert result is None
    assert elapsed < 0.9
    assert len(llm_server.requests) == 1  # the one slow request used the whole deadline


async def test_spent_model_budgets_move_on_without_sending(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    chain = make_chain(groq_rpm=1)  # per model: one request a minute each
    sources = []
    for _ in range(3):
        result = await run_command(chain, "hold on")
        assert result is not None
        sources.append(result.source)
    assert sources == [f"groq:{GROQ_20B}", f"groq:{GROQ_120B}", f"openrouter:{OR_20B}"]
    assert [r.model for r in llm_server.requests_to("groq")] == [GROQ_20B, GROQ_120B]


async def test_server_remaining_requests_header_spends_that_models_day(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.remaining_requests = 1  # the first answer says "0 left today"
    chain = make_chain(groq_models=[GROQ_20B])
    await run_command(chain, "hold on")
    second = await run_command(chain, "hold on")
    assert second is not None and second.source.startswith("openrouter:")
    assert len(llm_server.requests_to("groq")) == 1


async def test_openrouter_200_with_error_body_is_treated_by_code(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(error_body(502, "Provider returned error"), answer(PAUSE), provider="openrouter")
    result = await run_command(make_chain(groq=False), "hold on")
    assert result is not None and result.source == f"openrouter:{OR_20B}"
    assert len(llm_server.requests_to("openrouter")) == 2


async def test_openrouter_200_with_402_error_body_is_not_retried(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.script(error_body(402, "Insufficient credits"), provider="openrouter", times=None)
    result = await run_command(make_chain(groq=False), "hold on")
    assert result is None
    assert len(llm_server.requests_to("openrouter")) == 1


async def test_402_no_credit_is_not_retried(llm_server: FakeLLMServer, make_chain: ChainFactory) -> None:
    llm_server.script(no_credit(), provider="openrouter", times=None)
    chain = make_chain(groq=False)
    assert await run_command(chain, "hold on") is None
    assert await run_command(chain, "hold on") is None
    assert len(llm_server.requests_to("openrouter")) == 1  # provider suspended after the first 402


async def test_models_missing_from_the_model_list_are_skipped(
    llm_server: FakeLLMServer, make_chain: ChainFactory
) -> None:
    llm_server.models = [GROQ_120B]
    chain = make_chain()
    await chain.providers[0].wait_for_model_check()
    result = await run_command(chain, "hold on")
    assert result is not None and result.source == f"groq:{GROQ_120B}"
    assert llm_server.model_list_requests == 1
    assert GROQ_20B not in [r.model for r in llm_server.requests]


async def test_no_keys_means_no_chain(llm_server: FakeLLMServer) -> None:
    settings: Settings = settings_for(llm_server, groq=False, openrouter=False)
    assert build_chain(settings) is None
