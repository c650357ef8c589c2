"""Shared helpers for LLM tests: settings against the fake server, and a chain run for a command."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from bot.config import Settings
from bot.llm.chain import ChainResult, LLMChain
from bot.llm.providers import OutputFormat
from bot.nlu.actions import Action
from bot.nlu.parser import COMMAND_MAX_TOKENS, actions_from_json
from bot.nlu.plan import Context
from bot.nlu.prompt import COMMAND_FORMAT, command_messages, estimate_messages_tokens
from tests.fakes.llm_server import FakeLLMServer


def settings_for(
    server: FakeLLMServer, *, groq: bool = True, openrouter: bool = True, **over: Any
) -> Settings:
    values: dict[str, Any] = {
        "groq_base_url": server.groq_base_url,
        "openrouter_base_url": server.openrouter_base_url,
        "groq_api_key": SecretStr("gsk_test_key") if groq else None,
        "openrouter_api_key": SecretStr("sk-or-test-key") if openrouter else None,
        **over,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def run_command(
    chain: LLMChain, text: str, temperature: float = 0.7, fmt: OutputFormat = COMMAND_FORMAT
) -> ChainResult[list[Action]] | None:
    messages = command_messages(text, Context(user_id=1), "en")
    return await chain.run(
        messages,
        actions_from_json,
        fmt,
        temperature=temperature,
        max_tokens=COMMAND_MAX_TOKENS,
        token_estimate=estimate_messages_tokens(messages),
    )
