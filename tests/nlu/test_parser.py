"""IntentParser: local rules, then the LLM chain (real clients, loopback server), then the last resort."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.nlu.actions import Pause, Play, Recommend
from bot.nlu.parser import COMMAND_MAX_TOKENS, IntentParser, build_intent_parser
from bot.nlu.plan import Context
from bot.nlu.prompt import command_prompt_tokens
from tests.fakes.llm_fixtures import llm_server  # noqa: F401  (fixture)
from tests.fakes.llm_server import FakeLLMServer, answer, server_error
from tests.llm.helpers import settings_for

# Phrases no local rule should claim, so the LLM decides.
VAGUE_EN = "zorbly wibble flange the thing from before"
VAGUE_ES = "quiero algo tranquilo para la tarde, tipo chill"


@pytest.fixture
async def parser(llm_server: FakeLLMServer) -> AsyncIterator[IntentParser]:  # noqa: F811
    built = build_intent_parser(settings_for(llm_server))
    yield built
    await built.aclose()


async def test_llm_plan_records_source_tokens_and_latency(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    llm_server.script(
        answer(json.dumps({"actions": [{"action": "play", "query": "daft punk", "kind": "artist"}]}))
    )
    plan = await parser.parse(VAGUE_EN, Context(user_id=7))
    assert plan.actions == [Play(query="daft punk", kind="artist")]
    assert plan.source == "groq:openai/gpt-oss-20b"
    assert plan.prompt_tokens > 0 and plan.completion_tokens > 0
    assert plan.latency_ms > 0
    assert plan.lang == "en"


async def test_language_and_current_track_reach_the_model(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    llm_server.script(
        answer(json.dumps({"actions": [{"action": "recommend", "prompt": "chill", "count": None}]}))
    )
    ctx = Context(user_id=7, locale="en", current_track="Get Lucky — Daft Punk")
    plan = await parser.parse(VAGUE_ES, ctx)
    assert plan.lang == "es"
    assert plan.actions == [Recommend(prompt="chill")]
    payload = json.loads(llm_server.requests[0].json["messages"][-1]["content"])
    assert payload == {"lang": "Spanish", "text": VAGUE_ES, "now": "Get Lucky — Daft Punk"}


async def test_model_saying_no_actions_is_an_answer_not_a_failure(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    llm_server.script(answer('{"actions": []}'))
    plan = await parser.parse(VAGUE_EN, Context(user_id=7))
    assert plan.actions == [] and plan.source.startswith("groq:")
    assert len(llm_server.requests) == 1


async def test_everything_down_falls_back_to_an_empty_local_plan(
    llm_server: FakeLLMServer,  # noqa: F811
) -> None:
    llm_server.script(server_error(503), times=None)
    parser = build_intent_parser(settings_for(llm_server, llm_deadline_s=0.5))
    try:
        plan = await parser.parse(VAGUE_EN, Context(user_id=7, locale="es"))
    finally:
        await parser.aclose()
    assert plan.actions == [] and plan.source == "none"
    assert llm_server.requests  # the chain was tried first


async def test_no_key_parses_locally_without_network(llm_server: FakeLLMServer) -> None:  # noqa: F811
    settings: Settings = settings_for(llm_server, groq=False, openrouter=False)
    parser = build_intent_parser(settings)
    assert not parser.uses_llm
    plan = await parser.parse(VAGUE_EN, Context(user_id=7))
    assert plan.source in ("none", "rules")
    assert llm_server.requests == []


async def test_a_bare_action_object_is_accepted(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    llm_server.script(answer('{"action": "pause"}'))
    plan = await parser.parse(VAGUE_EN, Context(user_id=7))
    assert plan.actions == [Pause()]


async def test_recommender_shares_the_parsers_chain(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    recommender = parser.recommender()
    assert recommender is not None
    tracks = await recommender.suggest_tracks("italo disco", 2, "en")
    assert len(tracks) == 2
    assert llm_server.requests[0].json["temperature"] == 0.9
    no_llm = build_intent_parser(settings_for(llm_server, groq=False, openrouter=False))
    assert no_llm.recommender() is None


PLAY_DAFT = json.dumps({"actions": [{"action": "play", "query": "daft punk", "kind": "artist"}]})


async def test_the_same_words_in_another_guild_reuse_the_plan_without_a_model_call(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    llm_server.script(answer(PLAY_DAFT))
    first = await parser.parse(VAGUE_EN, Context(user_id=7, guild_id=1))
    again = await parser.parse("  " + VAGUE_EN.upper() + "!", Context(user_id=8, guild_id=2))
    assert again.actions == first.actions == [Play(query="daft punk", kind="artist")]
    assert again.source == "cache:groq:openai/gpt-oss-20b" and again.tokens == 0
    assert len(llm_server.requests) == 1
    assert parser.plan_cache.stats() == {"hits": 1, "misses": 1, "entries": 1}


async def test_the_cache_is_per_language(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    await parser.parse(VAGUE_ES, Context(user_id=7))
    await parser.parse("zorbly wibble flange the thing from before", Context(user_id=7))
    assert len(llm_server.requests) == 2


async def test_a_plan_that_used_the_current_track_is_not_reused(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    more_like = json.dumps(
        {"actions": [{"action": "recommend", "prompt": "songs like Get Lucky", "count": 5}]}
    )
    llm_server.script(answer(more_like), answer(PLAY_DAFT))
    now = "Get Lucky — Daft Punk"
    first = await parser.parse(VAGUE_EN, Context(user_id=7, current_track=now))
    second = await parser.parse(VAGUE_EN, Context(user_id=7, current_track="Despacito — Luis Fonsi"))
    assert first.actions == [Recommend(prompt="songs like Get Lucky", count=5)]
    assert second.actions == [Play(query="daft punk", kind="artist")]
    assert len(llm_server.requests) == 2


async def test_cached_plans_expire(llm_server: FakeLLMServer) -> None:  # noqa: F811
    parser = build_intent_parser(settings_for(llm_server, plan_cache_ttl_s=0.05))
    try:
        await parser.parse(VAGUE_EN, Context(user_id=7))
        await asyncio.sleep(0.1)
        await parser.parse(VAGUE_EN, Context(user_id=7))
    finally:
        await parser.aclose()
    assert len(llm_server.requests) == 2


async def test_the_cache_is_bounded(llm_server: FakeLLMServer) -> None:  # noqa: F811
    parser = build_intent_parser(settings_for(llm_server, plan_cache_size=2))
    try:
        for word in ("zorbly", "wibbly", "flangy", "zorbly"):
            await parser.parse(f"{word} the thing from before", Context(user_id=7))
    finally:
        await parser.aclose()
    assert len(parser.plan_cache) == 2
    assert len(llm_server.requests) == 4  # the first one was pushed out by the third


async def test_a_failed_chain_is_not_cached(llm_server: FakeLLMServer) -> None:  # noqa: F811
    llm_server.script(server_error(503), times=4)
    parser = build_intent_parser(settings_for(llm_server, llm_deadline_s=0.5, openrouter=False))
    try:
        failed = await parser.parse(VAGUE_EN, Context(user_id=7))
        llm_server.clear_script()
        answered = await parser.parse(VAGUE_EN, Context(user_id=7))
    finally:
        await parser.aclose()
    assert failed.failure_key == "llm.command.unavailable"
    assert answered.source.startswith("groq:") and answered.failure_key is None


async def test_gpt_oss_requests_ask_for_low_reasoning_and_a_bounded_answer(
    llm_server: FakeLLMServer,  # noqa: F811
) -> None:
    llm_server.script(server_error(503), provider="groq", times=None)
    parser = build_intent_parser(settings_for(llm_server, llm_deadline_s=1.0))
    try:
        await parser.parse(VAGUE_EN, Context(user_id=7))
    finally:
        await parser.aclose()
    groq = llm_server.requests_to("groq")[0].json
    openrouter = llm_server.requests_to("openrouter")[0].json
    assert groq["reasoning_effort"] == "low" and groq["max_completion_tokens"] == COMMAND_MAX_TOKENS
    assert openrouter["model"] == "openai/gpt-oss-20b:free"
    assert openrouter["reasoning_effort"] == "low" and openrouter["max_tokens"] == COMMAND_MAX_TOKENS
    assert COMMAND_MAX_TOKENS + command_prompt_tokens() <= 8000 // 12  # 12 commands a minute fit Groq's TPM


async def test_the_same_words_asked_at_once_share_one_model_call(
    llm_server: FakeLLMServer,  # noqa: F811
    parser: IntentParser,
) -> None:
    llm_server.latency["groq"] = 0.1
    plans = await asyncio.gather(
        *(parser.parse(VAGUE_EN, Context(user_id=n, guild_id=n)) for n in range(5)),
        parser.parse(VAGUE_EN, Context(user_id=9, current_track="Get Lucky — Daft Punk")),
    )
    assert (
        len(llm_server.requests) == 2
    )  # the five without a track shared one request; the sixth asked itself
    assert [p.source.startswith("cache:") for p in plans[:5]].count(True) == 4
    assert parser.plan_cache.stats()["hits"] == 4
