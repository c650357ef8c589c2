"""Groq: the first provider in the chain, with a client-side per-model minute and day budgets and a model-list check."""

from __future__ import annotations

from groq import AsyncGroq

from bot.config import Settings
from bot.http_pool import HttpPool
from bot.llm.budget import Limits, ProviderBudget
from bot.llm.providers import ChatProvider
from bot.llm.transport import groq_http_client

GROQ_COMPLETIONS_PATH = "/openai/v1/chat/completions"  # groq's `chat.completions.create` posts here


def build_groq_provider(settings: Settings, http: HttpPool | None = None) -> ChatProvider | None:
    """None when no Groq key is configured. SDK retries are off: the chain's tenacity loop retries.

    Requests go out on `http` (the process's shared aiohttp pool); without one the provider makes and owns its own.
    """
    if settings.groq_api_key is None or not settings.groq_models:
        return None
    pool = http if http is not None else HttpPool()
    client = AsyncGroq(
        api_key=settings.groq_api_key.get_secret_value(),
        base_url=settings.groq_base_url,
        max_retries=0,
        timeout=settings.llm_request_timeout_s,
        http_client=groq_http_client(pool, timeout_s=settings.llm_request_timeout_s),
    )
    return ChatProvider(
        name="groq",
        client=client,
        models=list(settings.groq_models),
        budget=groq_budget(settings),
        check_models=True,
        reasoning_effort="low",
        completions_path=GROQ_COMPLETIONS_PATH,
        owned_http=pool if http is None else None,
    )


def groq_budget(settings: Settings) -> ProviderBudget:
    """Groq limits each organisation per model: requests and tokens per minute and per day."""
    limits = Limits.of(settings.groq_rpm, settings.groq_tpm, settings.groq_rpd, settings.groq_tpd)
    return ProviderBudget("groq", limits)
