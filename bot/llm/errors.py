"""Errors of the LLM layer: one user-facing error, and the internal failure kinds that steer the chain."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.errors import UserFacingError

FailureKind = Literal[
    "rate_limited",  # 429: cool the model down until Retry-After; the chain decides whether to try it again
    "transient",  # 5xx, timeout, dropped connection, unreadable body: one quick retry, then other providers
    "provider_down",  # 401/402/403: this provider cannot answer any model now
    "model_gone",  # decommissioned or unknown model: skip it for the rest of the process
    "rejected",  # other 4xx: this request will not succeed on this model, try the next
    "invalid_output",  # the model answered, but not with what we asked for
    "budget_spent",  # our own per-minute budget for this provider is used up: next provider, no request
]


class LLMUnavailable(UserFacingError):
    """No language model answered in time (the local parser still works)."""

    key = "llm.unavailable"


@dataclass(eq=False)
class ProviderFailure(Exception):
    """Why one request to one model failed. Messages never contain keys or request bodies."""

    kind: FailureKind
    status: int | None = None
    code: str | None = None
    retry_after: float | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.describe())

    def describe(self) -> str:
        parts: list[str] = [self.kind]
        if self.status is not None:
            parts.append(str(self.status))
        if self.code:
            parts.append(self.code)
        if self.detail:
            parts.append(self.detail[:200])
        return " ".join(parts)

    @property
    def retryable(self) -> bool:
        """Worth the same request again at once (after a short backoff); a 429 is not: it waits Retry-After."""
        return self.kind == "transient"


_DECOMMISSIONED_CODES = frozenset({"model_decommissioned", "model_not_found"})
_INVALID_OUTPUT_CODES = frozenset({"json_validate_failed", "output_parse_failed"})


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds only; HTTP dates are treated as unknown)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def rate_limit_reset_after(headers: object, now: float | None = None) -> float | None:
    """Seconds until an OpenRouter-style `X-RateLimit-Reset` (epoch ms or s) when `X-RateLimit-Remaining` is 0.

    OpenRouter sends no Retry-After for its free-tier limits; the reset stamp comes in the response headers or in
    the error body's `metadata.headers`.
    """
    if not isinstance(headers, Mapping):
        return None
    lowered = {str(k).lower(): v for k, v in headers.items()}
    if str(lowered.get("x-ratelimit-remaining", "")).strip() != "0":
        return None
    try:
        stamp = float(str(lowered.get("x-ratelimit-reset", "")).strip())
    except ValueError:
        return None
    seconds = stamp / 1000.0 if stamp > 1e11 else stamp
    return max(0.0, seconds - (time.time() if now is None else now))


def _metadata_headers(body: object) -> object:
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
    error = body.get("error", body) if isinstance(body, dict) else None
    metadata = error.get("metadata") if isinstance(error, dict) else None
    return metadata.get("headers") if isinstance(metadata, dict) else None


def error_fields(body: object) -> tuple[str | None, str]:
    """(code, message) from an OpenAI-style `{"error": {...}}` body, tolerating any shape."""
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None, ""
    error = body.get("error", body) if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, str(error or "")[:200]
    code = error.get("code")
    message = error.get("message")
    return (str(code) if code is not None else None), (message if isinstance(message, str) else "")


def failure_for_status(status: int, body: object, retry_after: str | None = None) -> ProviderFailure:
    """Classify an HTTP error status (or the `code` of a 200-with-error body) into a failure kind."""
    code, message = error_fields(body)
    text = f"{code or ''} {message}".lower()
    if status == 429:
        wait = parse_retry_after(retry_after)
        if wait is None:
            wait = rate_limit_reset_after(_metadata_headers(body))
        return ProviderFailure("rate_limited", status, code, wait, message)
    if code in _DECOMMISSIONED_CODES or "decommissioned" in text:
        return ProviderFailure("model_gone", status, code or "model_decommissioned", detail=message)
    if code in _INVALID_OUTPUT_CODES:
        return ProviderFailure("invalid_output", status, code, detail=message)
    if status in (401, 402, 403):
        return ProviderFailure("provider_down", status, code, detail=message)
    if status == 404:
        return ProviderFailure("model_gone", status, code, detail=message)
    if status == 408 or status >= 500:
        return ProviderFailure("transient", status, code, detail=message)
    return ProviderFailure("rejected", status, code, detail=message)
