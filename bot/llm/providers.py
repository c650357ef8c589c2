"""One OpenAI-compatible chat provider (Groq or OpenRouter) behind a single small interface.

Both SDKs (`groq.AsyncGroq`, `openai.AsyncOpenAI`) send the chat completion through their documented generic
`post(path, cast_to=<httpx Response>, body=...)`: base URL, auth, headers, timeouts and error classes stay the
SDK's, and the body is the one `request_body` builds. (`chat.completions.create` would first walk every argument,
the JSON schema included, against the SDK's TypedDicts to produce the same dict: ~8 % of the bot's CPU in the
benchmark's burst.) The raw response gives us the rate-limit headers and the body, which we decode ourselves so
that an HTTP 200 carrying `{"error": ...}` (OpenRouter) or an unreadable body is classified instead of crashing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import groq
import httpx
import openai

from bot.http_pool import HttpPool
from bot.llm.budget import ProviderBudget
from bot.llm.errors import ProviderFailure, failure_for_status, rate_limit_reset_after

log = logging.getLogger(__name__)

Message = dict[str, str]
MODEL_CHECK_TIMEOUT_S = 5.0
SUSPEND_PROVIDER_S = 300.0
DEFAULT_TYPICAL_LATENCY_S = 0.5  # until a provider has answered once in this process
LATENCY_WEIGHT = 0.3  # weight of the newest answer in the moving average of a provider's latency

_TIMEOUT_ERRORS = (groq.APITimeoutError, openai.APITimeoutError)
_CONNECTION_ERRORS = (groq.APIConnectionError, openai.APIConnectionError)
_STATUS_ERRORS = (groq.APIStatusError, openai.APIStatusError)


@dataclass(frozen=True, slots=True)
class Completion:
    content: str
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """What JSON the caller wants: a name and a JSON schema (used strictly by models that support it)."""

    name: str
    schema: Mapping[str, object]
    strict: bool = True  # False: always `json_object` (the schema is not sent, so it costs no prompt tokens)


def supports_strict_schema(model: str) -> bool:
    """Models with strict `json_schema` structured outputs (Groq and OpenRouter both serve gpt-oss)."""
    return model.startswith("openai/gpt-oss")


def classify_exception(exc: BaseException) -> ProviderFailure:
    """An SDK exception as a ProviderFailure (timeouts and dropped connections are transient)."""
    if isinstance(exc, ProviderFailure):
        return exc
    if isinstance(exc, _TIMEOUT_ERRORS):
        return ProviderFailure("transient", detail="timeout")
    if isinstance(exc, _CONNECTION_ERRORS):
        return ProviderFailure("transient", detail="connection error")
    if isinstance(exc, _STATUS_ERRORS):
        response = exc.response
        body: object = exc.body
        if body is None:
            with contextlib.suppress(Exception):
                body = response.content
        failure = failure_for_status(exc.status_code, body, response.headers.get("retry-after"))
        if failure.kind == "rate_limited" and failure.retry_after is None:
            failure.retry_after = rate_limit_reset_after(response.headers)
        return failure
    return ProviderFailure("transient", detail=type(exc).__name__)


def _usage_int(usage: Mapping[str, object], name: str) -> int:
    value = usage.get(name)
    return value if isinstance(value, int) and value >= 0 else 0


def completion_from_body(raw: bytes) -> Completion:
    """Decode a chat completion body; raise ProviderFailure for error bodies and anything unreadable."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ProviderFailure("transient", 200, detail="unreadable response body") from None
    if not isinstance(body, dict):
        raise ProviderFailure("transient", 200, detail="response body is not an object")
    if "error" in body and not body.get("choices"):
        error = body["error"]
        code = error.get("code") if isinstance(error, dict) else None
        status = code if isinstance(code, int) else 500
        if isinstance(code, str) and code.isdigit():
            status = int(code)
        return_failure = failure_for_status(status, body)
        raise return_failure
    choices = body.get("choices")
    first = choices[0] if isinstance(choices, list) and choices else None
    message = first.get("message") if isinstance(first, dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str) or not content.strip():
        refusal = message.get("refusal") if isinstance(message, dict) else None
        raise ProviderFailure("invalid_output", 200, detail="refusal" if refusal else "empty content")
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    assert isinstance(usage, dict)
    return Completion(content, _usage_int(usage, "prompt_tokens"), _usage_int(usage, "completion_tokens"))


@dataclass
class ChatProvider:
    """A named provider with its client, ordered model ids, optional budget and per-process model health."""

    name: str
    client: Any  # groq.AsyncGroq | openai.AsyncOpenAI: same call shape, different (overloaded) type stubs
    models: Sequence[str]
    budget: ProviderBudget | None = None
    check_models: bool = False
    reasoning_effort: str | None = None  # sent to gpt-oss models only ("low": fewer reasoning tokens)
    max_tokens_field: str = "max_completion_tokens"  # OpenRouter documents `max_tokens`
    # what the SDK's `chat.completions.create` posts to (relative to its base URL) and its raw response class
    completions_path: str = "/chat/completions"
    response_type: type[Any] = httpx.Response  # openai: httpx2.Response
    clock: Callable[[], float] = time.monotonic
    owned_http: HttpPool | None = None  # the provider's own HTTP pool (None: it sends on a shared one)
    typical_latency_s: float = DEFAULT_TYPICAL_LATENCY_S  # moving average of answered requests
    _answered: bool = False
    _retired: set[str] = field(default_factory=set)
    _cool_until: dict[str, float] = field(default_factory=dict)
    _suspended_until: float = 0.0
    suspended_for: str = ""  # why: "auth" (401/403: the key), "credit" (402), or another reason
    _degraded_until: float = 0.0
    _listed: frozenset[str] | None = None
    _check_task: asyncio.Task[None] | None = None

    # -- model health --------------------------------------------------------------------------------------
    def usable_models(self) -> list[str]:
        """Configured models not retired, not cooling down after a 429, and listed by the server (when known)."""
        self._start_model_check()
        return [m for m in self.models if self.can_serve(m) and not self.cooling_down(m)]

    def can_serve(self, model: str) -> bool:
        """Not suspended, `model` not retired and listed by the server (when known); cool-downs aside."""
        return (
            not self.suspended
            and model not in self._retired
            and (self._listed is None or model in self._listed)
        )

    @property
    def suspended(self) -> bool:
        return self.clock() < self._suspended_until

    @property
    def degraded(self) -> bool:
        """Failed with 5xx, a timeout or a dropped connection a moment ago: other providers go first."""
        return self.clock() < self._degraded_until

    def cooling_down(self, model: str) -> bool:
        return self._cool_until.get(model, 0.0) > self.clock()

    def retire(self, model: str, reason: str) -> None:
        if model not in self._retired:
            log.warning("%s model %s skipped for the rest of the process: %s", self.name, model, reason)
        self._retired.add(model)

    def cool_down(self, model: str, seconds: float) -> None:
        """Skip `model` (a 429) for `seconds`, without sending anything."""
        self._cool_until[model] = max(self._cool_until.get(model, 0.0), self.clock() + seconds)

    def suspend(self, reason: str, seconds: float = SUSPEND_PROVIDER_S, *, kind: str = "") -> None:
        log.warning("%s unavailable for %.0f s: %s", self.name, seconds, reason)
        self._suspended_until = self.clock() + seconds
        self.suspended_for = kind

    def cool_down_left(self, model: str) -> float:
        """Seconds until `model`'s 429 cool-down ends (0 when it is not cooling down)."""
        return max(0.0, self._cool_until.get(model, 0.0) - self.clock())

    def degrade(self, reason: str, seconds: float) -> None:
        """Put this provider after the healthy ones for `seconds` (it is still used when nothing else is)."""
        if not self.degraded:
            log.info("%s failing (%s); other providers first for %.0f s", self.name, reason, seconds)
        self._degraded_until = max(self._degraded_until, self.clock() + seconds)

    def note_latency(self, seconds: float) -> None:
        """Fold one answered request into `typical_latency_s` (the first answer replaces the default)."""
        if not self._answered:
            self.typical_latency_s, self._answered = seconds, True
        else:
            self.typical_latency_s += LATENCY_WEIGHT * (seconds - self.typical_latency_s)

    def _start_model_check(self) -> None:
        if not self.check_models or self._check_task is not None:
            return
        try:
            self._check_task = asyncio.get_running_loop().create_task(self._check_models())
        except RuntimeError:
            return

    async def _check_models(self) -> None:
        try:
            async with asyncio.timeout(MODEL_CHECK_TIMEOUT_S):
                page = await self.client.models.list()
            listed = frozenset(str(m.id) for m in page.data)
        except Exception as exc:  # the list is advisory: never let it break parsing
            log.info("%s model list unavailable (%s); using configured ids", self.name, type(exc).__name__)
            return
        if not listed:
            return
        missing = [m for m in self.models if m not in listed]
        if missing:
            log.warning("%s does not list configured models %s; skipping them", self.name, ", ".join(missing))
        self._listed = listed

    async def wait_for_model_check(self) -> None:
        """For tests and start-up: let the lazy model-list check finish."""
        self._start_model_check()
        if self._check_task is not None:
            await asyncio.shield(self._check_task)

    # -- requests ------------------------------------------------------------------------------------------
    def request_body(
        self, model: str, messages: Sequence[Message], fmt: OutputFormat, temperature: float, max_tokens: int
    ) -> dict[str, Any]:
        response_format: dict[str, object]
        if fmt.strict and supports_strict_schema(model):
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": fmt.name, "schema": dict(fmt.schema), "strict": True},
            }
        else:
            response_format = {"type": "json_object"}
        body: dict[str, Any] = {
            "model": model,
            "messages": list(messages),
            "temperature": temperature,
            self.max_tokens_field: max_tokens,
            "response_format": response_format,
        }
        if self.reasoning_effort and supports_strict_schema(model):
            body["reasoning_effort"] = self.reasoning_effort
        return body

    async def complete(
        self,
        model: str,
        messages: Sequence[Message],
        fmt: OutputFormat,
        *,
        temperature: float,
        max_tokens: int,
        timeout_s: float,
    ) -> Completion:
        """One HTTP request. Raises ProviderFailure; updates the budget from the response headers."""
        body = self.request_body(model, messages, fmt, temperature, max_tokens)
        started = self.clock()
        try:
            http = await self.client.post(
                self.completions_path, cast_to=self.response_type, body=body, options={"timeout": timeout_s}
            )
            content = await http.aread()
        except Exception as exc:
            failure = classify_exception(exc)
            response = getattr(exc, "response", None)
            if self.budget is not None and response is not None:
                self.budget.update_from_headers(model, response.headers)
            raise failure from None
        if self.budget is not None:
            self.budget.update_from_headers(model, http.headers)
        self.note_latency(self.clock() - started)
        return completion_from_body(content)

    async def aclose(self) -> None:
        if self._check_task is not None and not self._check_task.done():
            self._check_task.cancel()
            with contextlib.suppress(BaseException):
                await self._check_task
        await self.client.close()
        if self.owned_http is not None:
            await self.owned_http.aclose()
