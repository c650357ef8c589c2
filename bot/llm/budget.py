"""A client-side request/token budget per minute, so the chain moves on before a provider answers 429."""

from __future__ import annotations

import logging
import re
import time
from collections import deque
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

WINDOW_S = 60.0
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_reset(value: str | None) -> float | None:
    """Groq's reset durations ("7.66s", "2m59.56s", "120ms", "1h2m") or plain seconds -> seconds."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    total, matched = 0.0, False
    for number, unit in _DURATION_PART.findall(value):
        matched = True
        total += float(number) * {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[unit]
    return total if matched else None


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None


class RateBudget:
    """Requests and tokens spent in the last minute, capped at `rpm`/`tpm` and at what the server says is left.

    `try_acquire` never waits: when the budget is spent it answers False and the caller uses another provider.
    """

    def __init__(self, rpm: int, tpm: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._rpm = max(1, rpm)
        self._tpm = max(1, tpm)
        self._clock = clock
        self._events: deque[tuple[float, int]] = deque()  # (time, tokens) per request in the window
        self._blocked_until = 0.0
        self._server_tokens_left: int | None = None
        self._server_tokens_until = 0.0

    def _prune(self, now: float) -> None:
        while self._events and now - self._events[0][0] >= WINDOW_S:
            self._events.popleft()

    @property
    def requests_used(self) -> int:
        self._prune(self._clock())
        return len(self._events)

    @property
    def tokens_used(self) -> int:
        self._prune(self._clock())
        return sum(tokens for _, tokens in self._events)

    def available(self, tokens: int) -> bool:
        now = self._clock()
        if now < self._blocked_until:
            return False
        self._prune(now)
        if len(self._events) + 1 > self._rpm:
            return False
        if sum(t for _, t in self._events) + tokens > self._tpm:
            return False
        return not (
            self._server_tokens_left is not None
            and now < self._server_tokens_until
            and tokens > self._server_tokens_left
        )

    def try_acquire(self, tokens: int) -> bool:
        """Reserve one request of about `tokens` tokens; False (nothing reserved) when it would overspend."""
        if not self.available(tokens):
            return False
        self._events.append((self._clock(), tokens))
        if self._server_tokens_left is not None:
            self._server_tokens_left -= tokens
        return True

    def block_for(self, seconds: float) -> None:
        """Stop spending for `seconds` (after a 429, for instance)."""
        self._blocked_until = max(self._blocked_until, self._clock() + max(0.0, seconds))

    def update_from_headers(self, headers: Mapping[str, str]) -> None:
        """Follow the server's own view: x-ratelimit-remaining-requests / -tokens and their reset times."""
        now = self._clock()
        requests_left = _int_header(headers, "x-ratelimit-remaining-requests")
        if requests_left is not None and requests_left <= 0:
            wait = parse_reset(headers.get("x-ratelimit-reset-requests"))
            self.block_for(wait if wait is not None else WINDOW_S)
            log.info("provider request quota spent; pausing it for %.1f s", self._blocked_until - now)
        tokens_left = _int_header(headers, "x-ratelimit-remaining-tokens")
        if tokens_left is not None:
            reset = parse_reset(headers.get("x-ratelimit-reset-tokens"))
            self._server_tokens_left = tokens_left
            self._server_tokens_until = now + (reset if reset is not None else WINDOW_S)
            if tokens_left <= 0:
                self.block_for(reset if reset is not None else WINDOW_S)
