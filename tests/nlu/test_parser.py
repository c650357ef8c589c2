"""IntentParser: local rules, then the LLM chain (real clients, loopback server), then the last resort."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.nlu.actions import Pause, Play, Recommend
from bot.nlu.parser import IntentParser, build_intent_parser
from bot.nlu.plan import Context
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
