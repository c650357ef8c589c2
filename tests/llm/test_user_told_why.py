"""What a user reads when no language model can read their message: why, in their language (issue 12 item 11).

The whole service stack (build_services: SQLite, parser, chain through the real groq/openai SDKs) against the
loopback fake LLM server and the demo Spotify player.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import Services, build_services
from bot.demo.spotify_server import start_demo
from bot.nlu.actions import Recommend
from bot.nlu.plan import Context
from tests.fakes.llm_server import (
    FakeLLMServer,
    answer,
    free_daily_limit,
    http_error,
    no_credit,
    rate_limited,
    server_error,
)
from tests.llm.helpers import settings_for

VAGUE = "zorbly wibble flange the thing from before"
VAGUE_ES = "zorbly wibble flange la cosa de antes por favor"
DIDNT_UNDERSTAND = ("didn't understand", "no lo he entendido")

Build = Callable[..., Awaitable[Services]]


@pytest.fixture
async def build(llm_server: FakeLLMServer, tmp_path: Path) -> AsyncIterator[Build]:
    built: list[Services] = []
    demo = await start_demo()

    async def make(**over: Any) -> Services:
        settings = settings_for(llm_server, data_dir=tmp_path, **over)
        services = await build_services(settings, demo=demo, demo_token=demo.demo_token)
        built.append(services)
        return services

    yield make
    for services in built:
        services.demo = None  # shared: stopped once below
        await services.aclose()
    await demo.stop()


def dm(locale: str = "en") -> Context:
    return Context(user_id=7, is_dm=True, locale=locale)  # type: ignore[arg-type]


async def say(services: Services, text: str, locale: str = "en") -> str:
    response = await services.assistant.handle_text(text, dm(locale))
    assert not response.ok
    [message] = response.messages()
    assert not any(phrase in message.lower() for phrase in DIDNT_UNDERSTAND), message
    return message


async def test_every_llm_failing_says_the_language_model_is_unavailable(
    llm_server: FakeLLMServer, build: Build
) -> None:
    llm_server.script(server_error(503), times=None)
    services = await build(llm_deadline_s=0.6)
    message = await say(services, VAGUE)
    assert message.startswith("The language model is unavailable right now")
    assert llm_server.requests_to("groq") and llm_server.requests_to("openrouter")


async def test_in_spanish_too(llm_server: FakeLLMServer, build: Build) -> None:
    llm_server.script(server_error(503), times=None)
    services = await build(llm_deadline_s=0.6)
    message = await say(services, VAGUE_ES, "es")
    assert message.startswith("El modelo de lenguaje no está disponible ahora")


async def test_a_wrong_key_says_which_setting_to_check(llm_server: FakeLLMServer, build: Build) -> None:
    llm_server.script(http_error(401, "invalid_api_key", "Invalid API Key"), times=None)
    services = await build()
    message = await say(services, VAGUE)
    assert "refused the bot's API key" in message and "GROQ_API_KEY" in message
    assert "gsk_test_key" not in message
    again = await say(services, VAGUE + " again")
    assert again == message
    assert len(llm_server.requests) == 2  # one per provider; both suspended afterwards


async def test_no_key_at_all_says_which_setting_enables_it(llm_server: FakeLLMServer, build: Build) -> None:
    services = await build(groq=False, openrouter=False)
    message = await say(services, VAGUE)
    assert "not configured" in message and "GROQ_API_KEY" in message
    es = await say(services, VAGUE_ES, "es")
    assert "no está configurado" in es and "GROQ_API_KEY" in es
    assert llm_server.requests == []


async def test_429s_everywhere_say_over_quota_with_the_wait(llm_server: FakeLLMServer, build: Build) -> None:
    llm_server.script(rate_limited(retry_after=300), times=None)
    services = await build()
    message = await say(services, VAGUE)
    assert message.startswith("The language model's free quota is used up for now (back in about 5 min)")


async def test_a_spent_daily_budget_says_over_quota_without_sending(
    llm_server: FakeLLMServer, build: Build
) -> None:
    llm_server.limit_requests = 1  # Groq's header: 1 request a day for this model
    services = await build(groq_models=["openai/gpt-oss-20b"], openrouter=False)
    llm_server.script(answer(json.dumps({"actions": [{"action": "pause"}]})))
    first = await services.assistant.handle_text(VAGUE, dm())
    assert first.plan.source.startswith("groq:")
    message = await say(services, "blibber " + VAGUE)
    assert "free quota for today is used up" in message and " h)" in message
    assert len(llm_server.requests) == 1  # the spent day sent nothing


async def test_no_credit_on_openrouter_is_over_quota(llm_server: FakeLLMServer, build: Build) -> None:
    llm_server.script(no_credit(), provider="openrouter", times=None)
    services = await build(groq=False)
    message = await say(services, VAGUE)
    assert "free quota is used up" in message


async def test_recommendations_say_over_quota_too(llm_server: FakeLLMServer, build: Build) -> None:
    llm_server.script(rate_limited(retry_after=120), times=None)
    services = await build()
    outcome = await services.assistant.run_action(Recommend(prompt="something like daft punk"), dm("es"))
    # issue 9: the demo listener still gets songs from their own listening, and is told why
    assert outcome.ok and outcome.tracks
    assert outcome.message("es").startswith("La cuota gratuita del modelo de lenguaje está agotada")
    assert "2 min" in outcome.message("es") and "salen de lo que escuchas" in outcome.message("es")


async def test_openrouters_spent_free_day_says_when_it_is_back_and_is_not_asked_again(
    llm_server: FakeLLMServer, build: Build
) -> None:
    llm_server.script(free_daily_limit(reset_in_s=5 * 3600 - 30), provider="openrouter", times=None)
    services = await build(groq=False)
    message = await say(services, VAGUE)
    assert "free quota for today is used up (back in about 5 h)" in message
    again = await say(services, "blibber " + VAGUE)
    assert "free quota" in again
    assert len(llm_server.requests) == 1  # the account's day is spent: its other model is not asked either
