"""Groq: the first provider in the chain, with a client-side per-model minute and day budgets and a model-list check."""

from __future__ import annotations

import httpx
from groq import AsyncGroq, DefaultAsyncHttpxClient

from bot.config import Settings
from bot.llm.budget import Limits, ProviderBudget
from bot.llm.providers import ChatProvider


def build_groq_provider(settings: Settings) -> ChatProvider | None:
    """None when no Groq key is configured. SDK retries are off: the chain's tenacity loop retries."""
    if settings.groq_api_key is None or not settings.groq_models:
        return None
    client = AsyncGroq(
        api_key=settings.groq_api_key.get_secret_value(),
        base_url=settings.groq_base_url,
        max_retries=0,
        timeout=settings.llm_request_timeout_s,
        # The SDK keeps only 20 idle connections: under a burst it would reopen TCP+TLS for every extra request.
        http_client=DefaultAsyncHttpxClient(
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=256, keepalive_expiry=30.0),
            timeout=settings.llm_request_timeout_s,
        ),
    )
    return ChatProvider(
        name="groq",
        client=client,
        models=list(settings.groq_models),
        budget=groq_budget(settings),
        check_models=True,
        reasoning_effort="low",
    )


def groq_budget(settings: Settings) -> ProviderBudget:
    """Groq limits each organisation per model: requests and tokens per minute and per day."""
    limits = Limits.of(settings.groq_rpm, settings.groq_tpm, settings.groq_rpd, settings.groq_tpd)
    return ProviderBudget("groq", limits)
