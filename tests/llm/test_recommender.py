"""Track suggestions through the chain, and the user-facing error when no model answers."""

from __future__ import annotations

import json

from bot.llm.errors import LLMUnavailable
from bot.llm.protocols import TrackSuggestion
from bot.llm.recommender import build_recommender
from tests.fakes.llm_server import FakeLLMServer, answer, server_error
from tests.llm.helpers import settings_for


async def test_suggestions_come_back_deduplicated_at_recommend_temperature(llm_server: FakeLLMServer) -> None:
    tracks = [
        {"title": "Get Lucky", "artist": "Daft Punk"},
        {"title": "get lucky", "artist": "DAFT PUNK"},
        {"title": "Digital Love", "artist": "Daft Punk"},
    ]
    llm_server.script(answer(json.dumps({"tracks": tracks})))
    recommender = build_recommender(settings_for(llm_server))
    try:
        got = await recommender.suggest_tracks("french house for a party", 5, "en")
    finally:
        await recommender.aclose()
    assert got == [
        TrackSuggestion(title="Get Lucky", artist="Daft Punk"),
        TrackSuggestion(title="Digital Love", artist="Daft Punk"),
    ]
    [sent] = llm_server.requests
    assert sent.json["temperature"] == 0.9
    payload = json.loads(sent.json["messages"][-1]["content"])
    assert payload == {"lang": "English", "count": 5, "request": "french house for a party"}


async def test_default_fake_model_answers_the_requested_count(llm_server: FakeLLMServer) -> None:
    recommender = build_recommender(settings_for(llm_server, groq=False))
    try:
        got = await recommender.suggest_tracks("clásicos latinos", 3, "es")
    finally:
        await recommender.aclose()
    assert len(got) == 3
    assert llm_server.requests[0].provider == "openrouter"


async def test_nothing_answering_raises_llm_unavailable_with_a_spanish_message(
    llm_server: FakeLLMServer,
) -> None:
    llm_server.script(server_error(500), times=None)
    recommender = build_recommender(settings_for(llm_server, llm_deadline_s=0.5))
    try:
        await recommender.suggest_tracks("anything", 5, "es")
    except LLMUnavailable as exc:
        assert "no está disponible" in exc.message("es")
    else:
        raise AssertionError("expected LLMUnavailable")
    finally:
        await recommender.aclose()


async def test_no_key_raises_llm_unavailable_without_network(llm_server: FakeLLMServer) -> None:
    recommender = build_recommender(settings_for(llm_server, groq=False, openrouter=False))
    try:
        await recommender.suggest_tracks("anything", 5, "en")
    except LLMUnavailable as exc:
        assert exc.key == "llm.unavailable"
    else:
        raise AssertionError("expected LLMUnavailable")
    assert llm_server.requests == []
