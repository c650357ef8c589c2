"""OpenRouter through the `openai` SDK: the second provider, with its attribution headers."""

from __future__ import annotations

import httpx2
from openai import AsyncOpenAI

from bot.config import Settings
from bot.http_pool import HttpPool
from bot.llm.budget import Limits, ProviderBudget
from bot.llm.providers import ChatProvider
from bot.llm.transport import openai_http_client


def build_openrouter_provider(settings: Settings, http: HttpPool | None = None) -> ChatProvider | None:
    """None when no OpenRouter key is configured. Requests go out on `http` (or a pool of its own)."""
    if settings.openrouter_api_key is None or not settings.openrouter_models:
        return None
    pool = http if http is not None else HttpPool()
    client = AsyncOpenAI(
        api_key=settings.openrouter_api_key.get_secret_value(),
        base_url=settings.openrouter_base_url,
        max_retries=0,
        timeout=settings.llm_request_timeout_s,
        default_headers={
            "HTTP-Referer": settings.openrouter_referer,
            "X-Title": settings.openrouter_title,
        },
        http_client=openai_http_client(pool, timeout_s=settings.llm_request_timeout_s),
    )
    return ChatProvider(
        name="openrouter",
        client=client,
        models=list(settings.openrouter_models),
        budget=openrouter_budget(settings),
        reasoning_effort="low",
        max_tokens_field="max_tokens",
        completions_path="/chat/completions",  # the openai SDK's `chat.completions.create` path
        response_type=httpx2.Response,
        owned_http=pool if http is None else None,
    )


def openrouter_budget(settings: Settings) -> ProviderBudget:
    """OpenRouter's free-variant limits are per account (every model together)."""
    account = Limits.of(rpm=settings.openrouter_rpm, rpd=settings.openrouter_rpd)
    return ProviderBudget("openrouter", Limits(), account)
