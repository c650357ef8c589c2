"""The model chain: Groq models in order, then OpenRouter models, under one deadline per request.

The chain keeps a queue of (provider, model) candidates for each request, healthy providers first:
- 5xx, timeouts, dropped connections and unreadable bodies: tenacity retries the model once after a short
  jittered backoff (the SDKs' own retries are off). If it fails again, the provider is "degraded" for a few
  seconds: its other models move behind every other provider's in this request, and later requests in that
  window start with the other providers (it is still used when nothing else answers).
- 429: the model cools down until its Retry-After (later requests skip it without sending anything). This
  request tries it once more after the Retry-After only if the wait plus the provider's typical latency fits
  the time left with a margin, and only after the other candidates, unless waiting is expected to answer
  sooner than the next candidate (Retry-After + this provider's typical latency < the next one's). A second 429,
  a Retry-After that does not fit, or no Retry-After at all moves on at once.
- 401/402/403 suspend the provider; decommissioned/unknown models are skipped for the process; other 4xx move to
  the next model.
- Budgets (bot/llm/budget.py): a model whose minute or day budget is spent is skipped without sending anything;
  a spent account-wide budget (OpenRouter's) skips the whole provider.
Output is validated by the caller's `validate`; invalid output gets one repair request quoting the error, then
the next model. When nothing answers, `attempt` returns a `ChainMiss` saying why (over quota, the key refused,
unavailable) so the user can be told; `run` returns None.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential_jitter

from bot.config import Settings
from bot.http_pool import HttpPool
from bot.llm.budget import BudgetBook, UsageStore
from bot.llm.errors import FailureKind, ProviderFailure
from bot.llm.groq_provider import build_groq_provider
from bot.llm.openrouter_provider import build_openrouter_provider
from bot.llm.providers import ChatProvider, Completion, Message, OutputFormat

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 2  # per model and request for transient failures: the first try and one quick retry
MIN_ATTEMPT_S = 0.05  # do not start a request with less time than this left
RETRY_AFTER_MARGIN_S = 0.1  # a Retry-After is waited out only if it + a typical request + this fits
DEFAULT_COOL_DOWN_S = 1.0  # a 429 without Retry-After
PERSIST_COOL_DOWN_S = 60.0  # a 429 asking for at least this long (a spent day) is saved with the budgets
DEGRADED_S = 5.0  # after a model failed transiently twice, its provider goes last for this long
MAX_REPAIR_ECHO = 1500  # characters of the invalid answer quoted back in the repair request
_backoff = wait_exponential_jitter(multiplier=0.03, max=0.25, jitter=0.04)  # 30-70 ms before the retry


@dataclass(frozen=True, slots=True)
class ChainResult(Generic[T]):
    value: T
    source: str  # "groq:<model>" / "openrouter:<model>"
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int


MissReason = Literal["over_quota", "key_rejected", "unavailable"]


@dataclass(frozen=True, slots=True)
class ChainMiss:
    """Why no model answered: what the user is told instead of "not understood"."""

    reason: MissReason
    retry_in_s: float | None = None  # over quota: when the soonest model should accept a request again

    def notice(self, prefix: str = "llm.") -> tuple[str, dict[str, int]]:
        """The i18n key (under `prefix`: "llm." or "llm.command.") and parameters that tell the user why."""
        if self.reason != "over_quota":
            return prefix + self.reason, {}
        if self.retry_in_s is None or self.retry_in_s <= 0:
            return prefix + "over_quota", {}
        if self.retry_in_s <= 90 * 60:
            return prefix + "over_quota_minutes", {"minutes": max(1, math.ceil(self.retry_in_s / 60))}
        return prefix + "over_quota_hours", {"hours": max(2, math.ceil(self.retry_in_s / 3600))}


_QUOTA_KINDS: frozenset[FailureKind] = frozenset({"rate_limited", "budget_spent"})


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
        usage_store: UsageStore | None = None,
    ) -> None:
        self.providers = list(providers)
        self.book = BudgetBook([p.budget for p in self.providers if p.budget is not None], usage_store)
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
        result = await self.attempt(
            messages,
            validate,
            fmt,
            temperature=temperature,
            max_tokens=max_tokens,
            token_estimate=token_estimate,
        )
        return result if isinstance(result, ChainResult) else None

    async def attempt(
        self,
        messages: Sequence[Message],
        validate: Callable[[str], T],
        fmt: OutputFormat,
        *,
        temperature: float,
        max_tokens: int,
        token_estimate: int,
    ) -> ChainResult[T] | ChainMiss:
        """The first valid answer, or why there is none (every model failed, skipped, or the deadline passed)."""
        await self.book.ensure_loaded({p.name: p.models for p in self.providers})
        started = self._clock()
        deadline = started + self.deadline_s
        failures: list[ProviderFailure] = []
        try:
            async with asyncio.timeout(self.deadline_s):
                result = await self._walk(
                    messages,
                    validate,
                    fmt,
                    temperature,
                    max_tokens,
                    token_estimate,
                    started,
                    deadline,
                    failures,
                )
        except TimeoutError:
            log.info("LLM chain deadline (%.2f s) passed", self.deadline_s)
            result = None
            failures.append(ProviderFailure("transient", detail="deadline"))
        finally:
            self.book.note_spending()
        if result is not None:
            return result
        return self._miss(failures, token_estimate + max_tokens // 4)

    def _miss(self, failures: Sequence[ProviderFailure], tokens: int) -> ChainMiss:
        """Why nothing answered: quota (429s, spent budgets, no credit) first, then a refused key, else down."""
        quota_waits: list[float] = []
        auth = down = False
        for failure in failures:
            if failure.kind in _QUOTA_KINDS or failure.status == 402:
                quota_waits.append(failure.retry_after or 0.0)
            elif failure.kind == "provider_down" and failure.status in (401, 403):
                auth = True
            else:
                down = True
        for provider in self.providers:
            if provider.suspended:
                if provider.suspended_for == "credit":
                    quota_waits.append(0.0)
                elif provider.suspended_for == "auth":
                    auth = True
                continue
            for model in provider.models:
                if not provider.can_serve(model):
                    continue
                waits = [provider.cool_down_left(model)]
                if provider.budget is not None:
                    waits.append(provider.budget.available_in(model, tokens))
                if max(waits) > 0:
                    quota_waits.append(max(waits))
        positive = [w for w in quota_waits if w > 0]
        if quota_waits:
            return ChainMiss("over_quota", min(positive) if positive else None)
        if auth and not down:
            return ChainMiss("key_rejected")
        return ChainMiss("unavailable")

    def _candidates(self) -> deque[_Candidate]:
        """Every usable (provider, model) in configured order, degraded providers after the healthy ones."""
        ordered = sorted(self.providers, key=lambda p: p.degraded)  # stable: configured order otherwise
        return deque(_Candidate(p, m) for p in ordered for m in p.usable_models())

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
        failures: list[ProviderFailure],
    ) -> ChainResult[T] | None:
        queue = self._candidates()
        while queue:
            candidate = queue.popleft()
            provider, model = candidate.provider, candidate.model
            if not provider.can_serve(model) or (not candidate.retry and provider.cooling_down(model)):
                continue  # another request suspended, retired or rate-limited it meanwhile
            wait = candidate.not_before - self._clock()
            if wait > 0:
                if not self._fits(wait, provider, deadline):
                    log.info("%s:%s Retry-After no longer fits the deadline", provider.name, model)
                    continue
                await asyncio.sleep(wait)
            if deadline - self._clock() < MIN_ATTEMPT_S:
                log.info("LLM chain out of time before %s:%s", provider.name, model)
                return None
            call = _ModelCall(self, provider, model, fmt, temperature, max_tokens, token_estimate, deadline)
            try:
                value = await call.answer(messages, validate)
            except ProviderFailure as failure:
                log.info("%s:%s failed: %s", provider.name, model, failure.describe())
                failures.append(failure)
                if deadline - self._clock() < MIN_ATTEMPT_S:
                    return None  # the deadline cut it short: not the provider's fault
                self._after_failure(candidate, failure, queue, deadline)
                continue
            return ChainResult(
                value=value,
                source=f"{provider.name}:{model}",
                latency_ms=(self._clock() - started) * 1000.0,
                prompt_tokens=call.prompt_tokens,
                completion_tokens=call.completion_tokens,
            )
        return None

    def _fits(self, wait: float, provider: ChatProvider, deadline: float) -> bool:
        """Whether waiting `wait` s, then a typical request to `provider`, ends before the deadline with margin."""
        needed = wait + provider.typical_latency_s + RETRY_AFTER_MARGIN_S
        return needed <= deadline - self._clock()

    def _after_failure(
        self, candidate: _Candidate, failure: ProviderFailure, queue: deque[_Candidate], deadline: float
    ) -> None:
        """Update provider/model health and reorder the rest of this request's queue."""
        provider, model = candidate.provider, candidate.model
        if failure.kind == "model_gone":
            provider.retire(model, failure.code or str(failure.status))
        elif failure.kind == "rate_limited":
            self._after_rate_limit(candidate, failure.retry_after, queue, deadline)
        elif failure.kind == "provider_down":
            kind = "credit" if failure.status == 402 else "auth" if failure.status in (401, 403) else ""
            provider.suspend(f"HTTP {failure.status}", kind=kind)
            _drop_provider(queue, provider)
        elif failure.kind == "budget_spent" and failure.code == "account":
            _drop_provider(queue, provider)  # the account's budget: none of its models may send
        elif failure.kind == "transient":
            provider.degrade(failure.describe(), DEGRADED_S)
            _move_provider_last(queue, provider)
        # "rejected", "invalid_output", a model's own spent budget: the next model

    def _after_rate_limit(
        self, candidate: _Candidate, retry_after: float | None, queue: deque[_Candidate], deadline: float
    ) -> None:
        provider, model = candidate.provider, candidate.model
        provider.cool_down(model, retry_after if retry_after is not None else DEFAULT_COOL_DOWN_S)
        budget = provider.budget
        if retry_after is not None and retry_after >= PERSIST_COOL_DOWN_S and budget is not None:
            # Saved, so a restart does not forget it. OpenRouter's limits are per account: block all its models.
            (budget.account or budget.for_model(model)).block_for(retry_after)
        if candidate.retry or retry_after is None or not self._fits(retry_after, provider, deadline):
            return  # cooled down: this request and the next ones (until Retry-After) go elsewhere
        now = self._clock()
        again = _Candidate(provider, model, not_before=now + retry_after, retry=True)
        if queue and queue[0].expected_answer_s(now) <= again.expected_answer_s(now):
            queue.append(again)  # the others are expected to answer sooner than waiting here
        else:
            queue.appendleft(again)

    async def aclose(self) -> None:
        try:
            await self.book.aclose()
        except Exception:
            log.exception("saving LLM budgets failed")
        for provider in self.providers:
            try:
                await provider.aclose()
            except Exception:
                log.exception("closing %s client failed", provider.name)


@dataclass(slots=True)
class _Candidate:
    """One (provider, model) still to try in this request."""

    provider: ChatProvider
    model: str
    not_before: float = 0.0  # a 429's Retry-After: not sent before this time
    retry: bool = False  # the second try after a 429 (a model waits out at most one Retry-After per request)

    def expected_answer_s(self, now: float) -> float:
        return max(0.0, self.not_before - now) + self.provider.typical_latency_s


def _drop_provider(queue: deque[_Candidate], provider: ChatProvider) -> None:
    kept = [c for c in queue if c.provider is not provider]
    queue.clear()
    queue.extend(kept)


def _move_provider_last(queue: deque[_Candidate], provider: ChatProvider) -> None:
    """Its remaining models after every other provider's (no change when it is the only one left)."""
    mine = [c for c in queue if c.provider is provider]
    others = [c for c in queue if c.provider is not provider]
    queue.clear()
    queue.extend([*others, *mine])


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

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.chain.max_attempts:
            return True
        return state.upcoming_sleep + MIN_ATTEMPT_S > self._remaining()

    async def _complete(self, messages: Sequence[Message]) -> Completion:
        """One request, retried by tenacity after transient failures (a 429 is the chain's to reorder)."""
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda e: isinstance(e, ProviderFailure) and e.retryable),
            wait=_backoff,
            stop=self._stop,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                remaining = self._remaining()
                if remaining < MIN_ATTEMPT_S:
                    raise ProviderFailure("transient", detail="deadline reached")
                budget = self.provider.budget
                reserve = self.token_estimate + self.max_tokens // 4  # a typical answer, settled below
                if budget is not None:
                    refused = budget.refusal(self.model, reserve)
                    if refused is not None:
                        scope, cap = refused
                        wait = budget.available_in(self.model, reserve)
                        raise ProviderFailure(
                            "budget_spent", code=scope, retry_after=wait, detail=f"{cap} spent"
                        )
                    budget.spend(self.model, reserve)
                completion = await self.provider.complete(
                    self.model,
                    messages,
                    self.fmt,
                    temperature=self.temperature,
                    max_tokens=self.max_tokens,
                    timeout_s=min(self.chain.request_timeout_s, remaining),
                )
                if budget is not None:
                    budget.settle(
                        self.model, reserve, completion.prompt_tokens + completion.completion_tokens
                    )
                self.prompt_tokens += completion.prompt_tokens
                self.completion_tokens += completion.completion_tokens
                return completion
        raise ProviderFailure("transient", detail="no attempt made")  # unreachable: tenacity reraises


def build_chain(
    settings: Settings, usage_store: UsageStore | None = None, *, http: HttpPool | None = None
) -> LLMChain | None:
    """Groq then OpenRouter, skipping providers without a key; None when no key is configured at all.

    With `usage_store` (the storage repository) the day's spent budgets survive a restart. `http`: the process's
    shared aiohttp pool (its owner closes it); without one each provider makes its own.
    """
    built = (build_groq_provider(settings, http), build_openrouter_provider(settings, http))
    providers = [p for p in built if p]
    if not providers:
        log.info("no LLM key configured: local parser only")
        return None
    return LLMChain(
        providers,
        deadline_s=settings.llm_deadline_s,
        request_timeout_s=settings.llm_request_timeout_s,
        usage_store=usage_store,
    )
