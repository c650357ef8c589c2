"""A loopback OpenAI-compatible server standing in for Groq and OpenRouter in tests, demos and benchmarks.

Routes: POST /openai/v1/chat/completions and GET /openai/v1/models (Groq), POST /api/v1/chat/completions
(OpenRouter). Answers conform to CreateChatCompletionResponse in openai-chat-completions.openapi.yml.

Script what the next requests get with `server.script(step, provider=..., model=..., times=...)`; unscripted
requests are answered by a tiny deterministic "model" (`default_answer`). Every request is recorded.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from multidict import CIMultiDict

Provider = Literal["groq", "openrouter"]
Answer = str | Callable[[dict[str, Any]], str]

GROQ_PREFIX = "/openai/v1"
OPENROUTER_PREFIX = "/api/v1"


@dataclass
class Step:
    """One scripted response. Build with the helpers below (answer, rate_limited, server_error, ...)."""

    kind: str
    content: Answer | None = None
    status: int = 200
    retry_after: int | None = None
    delay: float = 0.0
    error: Mapping[str, object] | None = None


def answer(content: Answer, *, delay: float = 0.0) -> Step:
    """HTTP 200 with `content` (a string, or a function of the request JSON) as the message content."""
    return Step("answer", content=content, delay=delay)


def delay(seconds: float, then: Step | None = None) -> Step:
    """Wait, then answer like `then` (default: the built-in model)."""
    step = then or Step("default")
    return Step(step.kind, step.content, step.status, step.retry_after, seconds, step.error)


def rate_limited(retry_after: int | None = 1) -> Step:
    return Step(
        "error",
        status=429,
        retry_after=retry_after,
        error={
            "message": "Rate limit reached. Please try again later.",
            "type": "requests",
            "code": "rate_limit_exceeded",
        },
    )


def server_error(status: int = 503) -> Step:
    return Step(
        "error",
        status=status,
        error={"message": "Service unavailable.", "type": "internal_server_error", "code": None},
    )


def http_error(status: int, code: str | None = None, message: str = "Request rejected.") -> Step:
    return Step(
        "error", status=status, error={"message": message, "type": "invalid_request_error", "code": code}
    )


def no_credit() -> Step:
    """402 as OpenRouter sends it when the account has no credit."""
    return Step(
        "error",
        status=402,
        error={
            "code": 402,
            "message": "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
        },
    )


def decommissioned(model: str = "llama3-8b-8192") -> Step:
    """Groq's 400 for a decommissioned model."""
    return Step(
        "error",
        status=400,
        error={
            "message": f"The model `{model}` has been decommissioned and is no longer supported. "
            "Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.",
            "type": "invalid_request_error",
            "code": "model_decommissioned",
        },
    )


def free_daily_limit(reset_in_s: float = 5 * 3600.0) -> Step:
    """OpenRouter's 429 for a spent `:free` day: no Retry-After, the reset (epoch ms) in `metadata.headers`."""
    reset_ms = int((time.time() + reset_in_s) * 1000)
    return Step(
        "error",
        status=429,
        error={
            "message": "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model "
            "requests per day",
            "code": 429,
            "metadata": {
                "headers": {
                    "X-RateLimit-Limit": "50",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(reset_ms),
                },
                "provider_name": None,
            },
        },
    )


def error_body(code: int = 502, message: str = "Provider returned error") -> Step:
    """HTTP 200 whose body is `{"error": {...}}` (OpenRouter does this for upstream failures)."""
    return Step("error_body", error={"code": code, "message": message})


def malformed_body(status: int = 502) -> Step:
    """A body that is not JSON at all (a proxy's HTML page)."""
    return Step("malformed", status=status)


def drop() -> Step:
    """Close the connection without answering."""
    return Step("drop")


@dataclass
class Recorded:
    """One chat request as the fake received it; `status` and `fake_s` are filled in once it has been served."""

    provider: Provider
    path: str
    headers: Mapping[str, str]  # case-insensitive
    json: Any
    at: float  # time.monotonic() on arrival
    status: int = 0  # the HTTP status sent (0: none, the connection was dropped or is still being served)
    fake_s: float | None = None  # seconds the fake spent on it (sleep + own handling); None while serving

    @property
    def model(self) -> str | None:
        return self.json.get("model") if isinstance(self.json, dict) else None


@dataclass
class _Scripted:
    step: Step
    provider: Provider | None
    model: str | None
    times: int | None  # None = forever


# -- the built-in deterministic "model" ---------------------------------------------------------------------
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], dict[str, object]]]] = [
    (
        re.compile(r"\b(?:play|pon|reproduce)\s+(.+)", re.I),
        lambda m: {"action": "play", "query": m.group(1).strip(), "kind": "any"},
    ),
    (
        re.compile(r"\b(?:queue|añade)\s+(.+?)(?:\s+a la cola)?$", re.I),
        lambda m: {"action": "queue_add", "query": m.group(1).strip(), "kind": "any"},
    ),
    (
        re.compile(r"\bvol(?:ume|umen)?\D*(\d{1,3})", re.I),
        lambda m: {"action": "volume", "level": min(100, int(m.group(1)))},
    ),
    (re.compile(r"\b(?:pause|pausa|stop|para)\b", re.I), lambda m: {"action": "pause"}),
    (re.compile(r"\b(?:resume|continúa|continua|sigue)\b", re.I), lambda m: {"action": "resume"}),
    (re.compile(r"\b(?:skip|next|siguiente|salta)\b", re.I), lambda m: {"action": "skip", "count": 1}),
    (re.compile(r"\b(?:previous|back|anterior)\b", re.I), lambda m: {"action": "previous"}),
    (
        re.compile(r"\b(?:recommend|recomienda|recomiéndame|suggest)\b\s*(.*)", re.I),
        lambda m: {"action": "recommend", "prompt": m.group(1).strip() or "something good", "count": 5},
    ),
    (re.compile(r"\b(?:what'?s playing|qué suena|now playing)\b", re.I), lambda m: {"action": "now_playing"}),
]
_TRACKS = [
    ("Get Lucky", "Daft Punk"),
    ("Take On Me", "a-ha"),
    ("Bohemian Rhapsody", "Queen"),
    ("Despacito", "Luis Fonsi"),
    ("Blinding Lights", "The Weeknd"),
    ("La Bicicleta", "Carlos Vives"),
    ("Dancing Queen", "ABBA"),
    ("Billie Jean", "Michael Jackson"),
]


def _user_payload(request: Mapping[str, Any]) -> dict[str, Any]:
    messages = request.get("messages") or []
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    if not users:
        return {}
    content = users[0].get("content")
    try:
        data = json.loads(content) if isinstance(content, str) else {}
    except ValueError:
        data = {"text": content}
    return data if isinstance(data, dict) else {}


def default_answer(request: Mapping[str, Any]) -> str:
    """Deterministic content: track lists for suggestion requests, phrase -> action for commands."""
    payload = _user_payload(request)
    if "request" in payload:
        raw_count = payload.get("count")
        count = raw_count if isinstance(raw_count, int) else 5
        tracks = [{"title": t, "artist": a} for t, a in _TRACKS[: max(1, min(count, len(_TRACKS)))]]
        return json.dumps({"tracks": tracks})
    text = str(payload.get("text", ""))
    for clause in re.split(r"\s+(?:and then|then|and|y luego|luego|y)\s+", text):
        for pattern, build in _RULES:
            match = pattern.search(clause)
            if match:
                return json.dumps({"actions": [build(match)]})
    return json.dumps({"actions": []})


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class FakeLLMServer:
    """aiohttp app on 127.0.0.1:<random port>. Use `async with FakeLLMServer() as server:`."""

    def __init__(
        self,
        *,
        latency: Mapping[str, float] | None = None,
        jitter: float = 0.0,
        models: list[str] | None = None,
        remaining_requests: int = 14_000,
        remaining_tokens: int = 200_000,
        limit_requests: int | None = None,
        limit_tokens: int | None = None,
        seed: int = 0,
    ) -> None:
        """Groq's headers: `limit_requests` is the daily request limit, `limit_tokens` the per-minute token
        limit (default: the starting `remaining_*`, so nothing is capped below what remains)."""
        self.latency: dict[str, float] = {"groq": 0.0, "openrouter": 0.0, **(latency or {})}
        self.jitter = jitter
        self.models = models or ["openai/gpt-oss-20b", "openai/gpt-oss-120b", "qwen/qwen3-32b"]
        self.remaining_requests = remaining_requests
        self.remaining_tokens = remaining_tokens
        self.limit_requests = limit_requests if limit_requests is not None else remaining_requests
        self.limit_tokens = limit_tokens if limit_tokens is not None else remaining_tokens
        self.requests: list[Recorded] = []
        self.model_list_requests = 0
        self._script: list[_Scripted] = []
        self._random = random.Random(seed)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------------------------
    async def start(self) -> FakeLLMServer:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post(f"{GROQ_PREFIX}/chat/completions", self._groq_chat)
        app.router.add_get(f"{GROQ_PREFIX}/models", self._groq_models)
        app.router.add_post(f"{OPENROUTER_PREFIX}/chat/completions", self._openrouter_chat)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeLLMServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def groq_base_url(self) -> str:
        """What `AsyncGroq(base_url=...)` takes (the SDK appends /openai/v1/...)."""
        return self.base_url

    @property
    def openrouter_base_url(self) -> str:
        return f"{self.base_url}{OPENROUTER_PREFIX}"

    # -- scripting -----------------------------------------------------------------------------------------
    def script(
        self, *steps: Step, provider: Provider | None = None, model: str | None = None, times: int | None = 1
    ) -> None:
        """Queue `steps` (each used `times` times, None = forever) for matching requests, in order."""
        for step in steps:
            self._script.append(_Scripted(step, provider, model, times))

    def clear_script(self) -> None:
        self._script.clear()

    def requests_to(self, provider: Provider) -> list[Recorded]:
        return [r for r in self.requests if r.provider == provider]

    def _next_step(self, provider: Provider, model: str | None) -> Step | None:
        for entry in self._script:
            if entry.provider not in (None, provider) or entry.model not in (None, model):
                continue
            if entry.times is not None:
                entry.times -= 1
                if entry.times <= 0:
                    self._script.remove(entry)
            return entry.step
        return None

    # -- handlers ------------------------------------------------------------------------------------------
    async def _groq_models(self, request: web.Request) -> web.Response:
        self.model_list_requests += 1
        data = [
            {
                "id": m,
                "object": "model",
                "created": 1_700_000_000,
                "owned_by": m.split("/")[0],
                "active": True,
            }
            for m in self.models
        ]
        return web.json_response({"object": "list", "data": data})

    async def _groq_chat(self, request: web.Request) -> web.StreamResponse:
        return await self._chat(request, "groq")

    async def _openrouter_chat(self, request: web.Request) -> web.StreamResponse:
        return await self._chat(request, "openrouter")

    def _rate_headers(self, tokens: int) -> dict[str, str]:
        self.remaining_requests = max(0, self.remaining_requests - 1)
        self.remaining_tokens = max(0, self.remaining_tokens - tokens)
        return {
            "x-ratelimit-limit-requests": str(self.limit_requests),
            "x-ratelimit-limit-tokens": str(self.limit_tokens),
            "x-ratelimit-remaining-requests": str(self.remaining_requests),
            "x-ratelimit-remaining-tokens": str(self.remaining_tokens),
            "x-ratelimit-reset-requests": "6s",
            "x-ratelimit-reset-tokens": "1.5s",
        }

    async def _chat(self, request: web.Request, provider: Provider) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            body = await request.json()
        except ValueError:
            body = None
        record = Recorded(provider, request.path, CIMultiDict(request.headers), body, time.monotonic())
        self.requests.append(record)
        try:
            response = await self._respond(request, provider, body)
            record.status = response.status
            return response
        finally:
            record.fake_s = time.perf_counter() - started

    async def _respond(self, request: web.Request, provider: Provider, body: Any) -> web.StreamResponse:
        model = body.get("model") if isinstance(body, dict) else None
        step = self._next_step(provider, model) or Step("default")
        wait = self.latency.get(provider, 0.0) + step.delay
        if self.jitter:
            wait += self._random.uniform(0, self.jitter)
        if wait > 0:
            await asyncio.sleep(wait)
        prompt_text = json.dumps(body.get("messages") if isinstance(body, dict) else "", ensure_ascii=False)
        prompt_tokens = estimate_tokens(prompt_text)
        headers = self._rate_headers(prompt_tokens) if provider == "groq" else {}
        if step.kind == "drop":
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError  # aiohttp tidies up the handler of a closed connection
        if step.kind == "malformed":
            return web.Response(
                status=step.status,
                text="<html><body>Bad gateway</body></html>",
                content_type="text/html",
                headers=headers,
            )
        if step.kind == "error":
            if step.retry_after is not None:
                headers["retry-after"] = str(step.retry_after)
            return web.json_response({"error": dict(step.error or {})}, status=step.status, headers=headers)
        if step.kind == "error_body":
            return web.json_response({"error": dict(step.error or {})}, status=200, headers=headers)
        source = step.content if step.kind == "answer" else None
        if source is None:
            content = default_answer(body if isinstance(body, dict) else {})
        elif callable(source):
            content = source(body if isinstance(body, dict) else {})
        else:
            content = source
        completion_tokens = estimate_tokens(content)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model if isinstance(model, str) else "unknown",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
            headers=headers,
        )
