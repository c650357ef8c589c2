"""pytest fixtures for the fake LLM server and Settings pointing at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.config import Settings
from tests.fakes.llm_server import FakeLLMServer


@pytest.fixture
async def llm_server() -> AsyncIterator[FakeLLMServer]:
    async with FakeLLMServer() as server:
        yield server


@pytest.fixture
def llm_settings(llm_server: FakeLLMServer) -> Settings:
    """Both providers configured against the loopback server; fast deadlines for tests."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        groq_api_key=SecretStr("gsk_test_key"),
        groq_base_url=llm_server.groq_base_url,
        openrouter_api_key=SecretStr("sk-or-test-key"),
        openrouter_base_url=llm_server.openrouter_base_url,
        llm_deadline_s=2.5,
        llm_request_timeout_s=2.0,
    )
