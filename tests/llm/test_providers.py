"""ChatProvider.complete posts through the SDK's generic `post`: the request on the wire must be the one the SDK's
own `chat.completions.create` would have sent (path, body, headers), for both SDKs."""

from __future__ import annotations

from typing import Any

import pytest

from bot.http_pool import HttpPool
from bot.llm.groq_provider import build_groq_provider
from bot.llm.openrouter_provider import build_openrouter_provider
from bot.llm.providers import ChatProvider, OutputFormat
from tests.fakes.llm_server import FakeLLMServer, answer
from tests.llm.helpers import settings_for

FORMAT = OutputFormat(
    "command",
    {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "required": ["a"],
        "additionalProperties": False,
    },
)
MESSAGES = [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "pausa la música"}]
# Headers that differ between any two requests of the same SDK (ids, retry bookkeeping, the read timeout), and
# the marker `with_raw_response` adds (the comparison request below needs it; `create` alone does not send it).
IGNORED_HEADERS = frozenset(
    {"x-stainless-retry-count", "x-stainless-read-timeout", "idempotency-key", "x-stainless-raw-response"}
)


def _headers(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() not in IGNORED_HEADERS}


async def _same_request_as_create(server: FakeLLMServer, provider: ChatProvider) -> None:
    model = provider.models[0]
    server.script(answer('{"a": "ok"}'), times=None)
    completion = await provider.complete(model, MESSAGES, FORMAT, temperature=0.2, max_tokens=64, timeout_s=5)
    body = provider.request_body(model, MESSAGES, FORMAT, 0.2, 64)
    raw = await provider.client.chat.completions.with_raw_response.create(**body, timeout=5)
    await raw.http_response.aread()
    ours, sdk = server.requests[-2:]
    assert completion.content == '{"a": "ok"}'
    assert (ours.provider, ours.path, ours.json) == (sdk.provider, sdk.path, sdk.json)
    assert _headers(ours.headers) == _headers(sdk.headers)
    assert ours.headers["authorization"].startswith("Bearer ")


@pytest.mark.parametrize("which", ["groq", "openrouter"])
async def test_a_completion_goes_out_as_the_sdk_would_send_it(llm_server: FakeLLMServer, which: str) -> None:
    settings = settings_for(llm_server, groq=which == "groq", openrouter=which == "openrouter")
    http = HttpPool()
    build = build_groq_provider if which == "groq" else build_openrouter_provider
    provider = build(settings, http)
    assert provider is not None
    try:
        await provider.wait_for_model_check()
        await _same_request_as_create(llm_server, provider)
    finally:
        await provider.aclose()
        await http.aclose()


async def test_an_error_answer_is_still_the_sdk_error_classified(llm_server: FakeLLMServer) -> None:
    from bot.llm.errors import ProviderFailure
    from tests.fakes.llm_server import rate_limited

    settings = settings_for(llm_server, openrouter=False)
    http = HttpPool()
    provider = build_groq_provider(settings, http)
    assert provider is not None
    try:
        await provider.wait_for_model_check()
        llm_server.script(rate_limited(7))
        with pytest.raises(ProviderFailure) as failure:
            await provider.complete(
                provider.models[0], MESSAGES, FORMAT, temperature=0.2, max_tokens=64, timeout_s=5
            )
        assert (failure.value.kind, failure.value.retry_after) == ("rate_limited", 7)
    finally:
        await provider.aclose()
        await http.aclose()
