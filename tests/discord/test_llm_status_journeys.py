"""Issue 12 item 11 over the wire: with every language model failing, a user who mentions or DMs the bot reads
why (unavailable, the key refused), in their language, never "I didn't understand that"."""

from __future__ import annotations

import pytest

from tests.fakes.discord import DiscordHarness
from tests.fakes.llm_server import FakeLLMServer, http_error, server_error

pytestmark = pytest.mark.asyncio(loop_scope="module")

VAGUE = "zorbly wibble flange the thing from before"


def llm(h: DiscordHarness) -> FakeLLMServer:
    server: FakeLLMServer = h.llm  # type: ignore[attr-defined]
    return server


async def test_a_dm_while_groq_fails_says_the_language_model_is_unavailable(
    discord_env: DiscordHarness,
) -> None:
    llm(discord_env).script(server_error(503), times=None)
    try:
        answer = await discord_env.dm(VAGUE)
    finally:
        llm(discord_env).clear_script()
    assert "The language model is unavailable right now" in answer.text
    assert "didn't understand" not in answer.text
    assert answer.errors == []
    assert llm(discord_env).requests_to("groq")


async def test_a_spanish_mention_with_a_refused_key_names_the_setting(discord_env: DiscordHarness) -> None:
    llm(discord_env).script(http_error(401, "invalid_api_key", "Invalid API Key"), times=None)
    try:
        answer = await discord_env.mention("zorbly wibble la cosa de antes por favor")
    finally:
        llm(discord_env).clear_script()
    assert "El modelo de lenguaje rechazó la clave de API del bot" in answer.text
    assert "GROQ_API_KEY" in answer.text and "gsk_test_key" not in answer.text
    assert "no lo he entendido" not in answer.text.lower()
