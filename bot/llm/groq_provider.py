"""Groq: the first provider in the chain, with a client-side per-minute budget and a model-list check."""

from __future__ import annotations

from groq import AsyncGroq

from bot.config import Settings
from bot.llm.budget import RateBudget
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
    )
    return ChatProvider(
        name="groq",
        client=client,
        models=list(settings.groq_models),
        budget=RateBudget(settings.groq_rpm, settings.groq_tpm),
        check_models=True,
        reasoning_effort="low",
    )
