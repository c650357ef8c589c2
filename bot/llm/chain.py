"""The model chain: Groq models in order, then OpenRouter models, under one deadline per request.

tenacity drives the retries of one model (the SDKs' own retries are off): 5xx, timeouts and dropped connections
retry with jittered backoff; a 429 waits its Retry-After only when that fits the deadline, else the chain moves
on at once. Output is validated by the caller's `validate`; invalid output gets one repair request quoting the
error, then the next model. When nothing answers, `run` returns None and the caller falls back to local rules.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_random_exponential

from bot.config import Settings
from bot.llm.errors import ProviderFailure
from bot.llm.groq_provider import build_groq_provider
from bot.llm.openrouter_provider import build_openrouter_provider
from bot.llm.providers import ChatProvider, Completion, Message, OutputFormat

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 3  # per model, including the first
MIN_ATTEMPT_S = 0.05  # do not start a request with less time than this left
MAX_REPAIR_ECHO = 1500  # characters of the invalid answer quoted back in the repair request
_backoff = wait_random_exponential(multiplier=0.1, max=1.0)


@dataclass(frozen=True, slots=True)
class ChainResult(Generic[T]):
    value: T
    source: str  # "groq:<model>" / "openrouter:<model>"
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int


class InvalidOutput(ValueError):
    """Raised by `validate` callables for output that parses but is not acceptable."""


def describe_invalid(exc: Exception) -> str:
    """A short, model-readable account of why output was rejected."""
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors(include_url=False)[:4]:
            loc = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(f"{loc}: {err.get('msg', '')}" if loc else str(err.get("msg", "")))
        return "; ".join(parts)[:500]
    return str(exc)[:500] or type(exc).__name__


def _repair_messages(messages: Sequence[Message], answer: str, error: str) -> list[Message]:
    return [
        *messages,
        {"role": "assistant", "content": answer[:MAX_REPAIR_ECHO]},
        {
            "role": "user",
            "content": f"That answer was rejected: {error}. Reply again with only JSON that follows the format.",
        },
    ]


class LLMChain:
    """Walks providers and models in order; one overall deadline per `run`."""

    def __init__(
        self,
        providers: Sequence[ChatProvider],
        *,
        deadline_s: float = 2.5,
        request_timeout_s: float = 2.0,
        max_attempts: int = MAX_ATTEMPTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.providers = list(providers)
        self.deadline_s = deadline_s
        self.request_timeout_s = request_timeout_s
        self.max_attempts = max_attempts
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return bool(self.providers)

    async def run(
        self,
        messages: Sequence[Message],
        validate: Callable[[str], T],
        fmt: OutputFormat,
        *,
        temperature: float,
        max_tokens: int,
        token_estimate: int,
    ) -> ChainResult[T] | None:
        """The first valid answer, or None when every model failed or the deadline passed."""
        started = self._clock()
        deadline = started + self.deadline_s
        try:
            async with asyncio.timeout(self.deadline_s):
                return await self._walk(
                    messages, validate, fmt, temperature, max_tokens, token_estimate, started, deadline
                )
        except TimeoutError:
            log.info("LLM chain deadline (%.2f s) passed", self.deadline_s)
            return None

    async def _walk(
        self,
        messages: Sequence[Message],
        validate: Callable[[str], T],
        fmt: OutputFormat,
        temperature: float,
        max_tokens: int,
        token_estimate: int,
        started: float,
        deadline: float,
    ) -> ChainResult[T] | None:
        for provider in self.providers:
            for model in provider.usable_models():
                if deadline - self._clock() < MIN_ATTEMPT_S:
                    log.info("LLM chain out of time before %s:%s", provider.name, model)
                    return None
                call = _ModelCall(
                    self, provider, model, fmt, temperature, max_tokens, token_estimate, deadline
                )
                try:
                    value = await call.answer(messages, validate)
                except ProviderFailure as failure:
                    log.info("%s:%s failed: %s", provider.name, model, failure.describe())
                    if failure.kind == "model_gone":
                        provider.retire(model, failure.code or str(failure.status))
                    elif failure.kind == "rate_limited":
                        provider.cool_down(model, failure.retry_after or 1.0)
                    elif failure.kind == "provider_down":
                        provider.suspend(f"HTTP {failure.status}")
                        break
                    elif failure.kind == "budget_spent":
                        break
                    continue
                return ChainResult(
                    value=value,
                    source=f"{provider.name}:{model}",
                    latency_ms=(self._clock() - started) * 1000.0,
                    prompt_tokens=call.prompt_tokens,
                    completion_tokens=call.completion_tokens,
                )
        return None

    async def aclose(self) -> None:
        for provider in self.providers:
            try:
                await provider.aclose()
            except Exception:
                log.exception("closing %s client failed", provider.name)


class _ModelCall:
    """Everything spent on one model for one request: retried calls, one repair, and the token tally."""

    def __init__(
        self,
        chain: LLMChain,
        provider: ChatProvider,
        model: str,
        fmt: OutputFormat,
        temperature: float,
        max_tokens: int,
        token_estimate: int,
        deadline: float,
    ) -> None:
        self.chain = chain
        self.provider = provider
        self.model = model
        self.fmt = fmt
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.token_estimate = token_estimate
        self.deadline = deadline
        self.prompt_tokens = 0
        self.completion_tokens = 0

    def _remaining(self) -> float:
        return self.deadline - self.chain._clock()

    async def answer(self, messages: Sequence[Message], validate: Callable[[str], T]) -> T:
        try:
            completion = await self._complete(messages)
        except ProviderFailure as failure:
            if failure.kind != "invalid_output":
                raise
            return await self._repair(messages, validate, "", failure.detail or "invalid JSON")
        try:
            return validate(completion.content)
        except ValueError as exc:
            return await self._repair(messages, validate, completion.content, describe_invalid(exc))

    async def _repair(
        self, messages: Sequence[Message], validate: Callable[[str], T], answer: str, error: str
    ) -> T:
        log.info(
            "%s:%s gave invalid output (%s); asking once for a repair", self.provider.name, self.model, error
        )
        repair = _repair_messages(messages, answer or "(no usable JSON)", error)
        completion = await self._complete(repair)
        try:
            return validate(completion.content)
        except ValueError as exc:
            raise ProviderFailure("invalid_output", detail=describe_invalid(exc)) from None

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ProviderFailure) and exc.kind == "rate_limited" and exc.retry_after is not None:
            return exc.retry_after
        return _backoff(state)

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.chain.max_attempts:
            return True
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ProviderFailure) and exc.kind == "rate_limited" and exc.retry_after is None:
            return True  # no hint how long to wait: another model answers sooner
        return state.upcoming_sleep + MIN_ATTEMPT_S > self._remaining()

    async def _complete(self, messages: Sequence[Message]) -> Completion:
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda e: isinstance(e, ProviderFailure) and e.retryable),
            wait=self._wait,
            stop=self._stop,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                remaining = self._remaining()
                if remaining < MIN_ATTEMPT_S:
                    raise ProviderFailure("transient", detail="deadline reached")
                budget = self.provider.budget
                if budget is not None and not budget.try_acquire(self.token_estimate + self.max_tokens // 4):
                    raise ProviderFailure("budget_spent", detail="client-side per-minute budget spent")
                completion = await self.provider.complete(
                    self.model,
                    messages,
                    self.fmt,
                    temperature=self.temperature,
                    max_tokens=self.max_tokens,
                    timeout_s=min(self.chain.request_timeout_s, remaining),
                )
                self.prompt_tokens += completion.prompt_tokens
                self.completion_tokens += completion.completion_tokens
                return completion
        raise ProviderFailure("transient", detail="no attempt made")  # unreachable: tenacity reraises


def build_chain(settings: Settings) -> LLMChain | None:
    """Groq then OpenRouter, skipping providers without a key; None when no key is configured at all."""
    providers = [p for p in (build_groq_provider(settings), build_openrouter_provider(settings)) if p]
    if not providers:
        log.info("no LLM key configured: local parser only")
        return None
    return LLMChain(
        providers, deadline_s=settings.llm_deadline_s, request_timeout_s=settings.llm_request_timeout_s
    )
