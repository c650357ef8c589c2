"""Client-side LLM budgets: requests and tokens per minute and per day, per provider and per model.

The chain asks a budget before it sends anything; when a budget is spent it moves on without sending. Limits
start from Settings (the 2026 free tiers) and are corrected by what the server says: on Groq
`x-ratelimit-limit-requests` is the DAILY request limit and `x-ratelimit-limit-tokens` the per-MINUTE token
limit, each with `-remaining-` and `-reset-` headers. The day's counts are saved through a `UsageStore` (the
storage repository) so a restart does not forget a spent day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

log = logging.getLogger(__name__)

MINUTE_S = 60.0
DAY_S = 86_400.0
FLUSH_DELAY_S = 1.0  # spending is saved at most about once a second (and on close)
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")

Refusal = Literal["rpm", "tpm", "rpd", "tpd", "blocked"]


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


def utc_day(wall: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(wall))


def day_window(wall: float) -> int:
    """The UTC day `wall` falls in, as the unix second it starts (the counters' window)."""
    return int(wall // DAY_S * DAY_S)


def seconds_to_utc_midnight(wall: float) -> float:
    return DAY_S - (wall % DAY_S)


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-minute and per-day caps; None (or 0 in Settings) means no cap."""

    rpm: int | None = None
    tpm: int | None = None
    rpd: int | None = None
    tpd: int | None = None

    @classmethod
    def of(cls, rpm: int = 0, tpm: int = 0, rpd: int = 0, tpd: int = 0) -> Limits:
        """From Settings values, where 0 or less means "no cap"."""
        return cls(*(v if v > 0 else None for v in (rpm, tpm, rpd, tpd)))

    @property
    def empty(self) -> bool:
        return self.rpm is None and self.tpm is None and self.rpd is None and self.tpd is None


class UsageStore(Protocol):
    """Where spent budgets survive a restart and are shared by processes: the storage repository's counters."""

    async def hold_until(self, key: str, until: float) -> float: ...
    async def get_hold(self, key: str) -> float: ...
    async def add_usage(self, key: str, window_start: int, amount: int) -> int: ...
    async def get_usage(self, key: str, window_start: int) -> int: ...


class RateBudget:
    """One scope (a model, or a whole provider account): what was spent this minute and this UTC day.

    `refusal` never waits: it says which cap a request of about `tokens` tokens would break, or None.
    Time is wall-clock seconds (injectable) because the day's figures are persisted.
    """

    def __init__(self, key: str, limits: Limits, *, clock: Callable[[], float] = time.time) -> None:
        self.key = key
        self.configured = limits
        self.limits = limits
        self._clock = clock
        self._events: deque[tuple[float, int]] = deque()  # (time, tokens) per request this minute
        self._minute_tokens = 0  # the sum of the tokens in _events (kept, not recounted per request)
        self.day = utc_day(clock())
        self._day_ends = day_window(clock()) + DAY_S
        self.day_requests = 0
        self.day_tokens = 0
        self.blocked_until = 0.0
        self._server_tokens_left: int | None = None
        self._server_tokens_until = 0.0
        self._unsaved_requests = 0
        self._unsaved_tokens = 0
        self._unsaved_block = 0.0
        self.dirty = False

    # -- reading -------------------------------------------------------------------------------------------
    def _roll(self, now: float) -> None:
        events = self._events
        while events and now - events[0][0] >= MINUTE_S:
            self._minute_tokens -= events.popleft()[1]
        if now >= self._day_ends or now < self._day_ends - DAY_S:  # another UTC day (or the clock went back)
            self._day_ends = day_window(now) + DAY_S
            today = utc_day(now)
            if today != self.day:
                self.day, self.day_requests, self.day_tokens = today, 0, 0
                self._unsaved_requests = self._unsaved_tokens = 0

    @property
    def requests_this_minute(self) -> int:
        self._roll(self._clock())
        return len(self._events)

    @property
    def tokens_this_minute(self) -> int:
        self._roll(self._clock())
        return self._minute_tokens

    def refusal(self, tokens: int) -> Refusal | None:
        """Which cap one more request of about `tokens` tokens would break (None: it fits)."""
        now = self._clock()
        self._roll(now)
        limits = self.limits
        if now < self.blocked_until:
            return "blocked"
        if limits.rpd is not None and self.day_requests + 1 > limits.rpd:
            return "rpd"
        if limits.tpd is not None and self.day_tokens + tokens > limits.tpd:
            return "tpd"
        if limits.rpm is not None and len(self._events) + 1 > limits.rpm:
            return "rpm"
        if limits.tpm is not None and self._minute_tokens + tokens > limits.tpm:
            return "tpm"
        server_left = self._server_tokens_left
        if server_left is not None and now < self._server_tokens_until and tokens > server_left:
            return "tpm"
        return None

    def available_in(self, tokens: int) -> float:
        """Seconds until a request of about `tokens` tokens would fit (0 now; an estimate, never negative)."""
        reason = self.refusal(tokens)
        now = self._clock()
        if reason is None:
            return 0.0
        if reason == "blocked":
            return self.blocked_until - now
        if reason in ("rpd", "tpd"):
            return seconds_to_utc_midnight(now)
        if reason == "tpm" and self._server_tokens_left is not None and now < self._server_tokens_until:
            return self._server_tokens_until - now
        return max(0.0, MINUTE_S - (now - self._events[0][0])) if self._events else MINUTE_S

    # -- spending ------------------------------------------------------------------------------------------
    def spend(self, tokens: int) -> None:
        """Count one request of about `tokens` tokens (call `settle` when the real usage is known)."""
        now = self._clock()
        self._roll(now)
        self._events.append((now, tokens))
        self._minute_tokens += tokens
        self.day_requests += 1
        self.day_tokens += tokens
        self._unsaved_requests += 1
        self._unsaved_tokens += tokens
        if self._server_tokens_left is not None:
            self._server_tokens_left -= tokens
        self.dirty = True

    def settle(self, estimated: int, actual: int) -> None:
        """Replace the estimate of the last request with the tokens the server reported using."""
        if actual <= 0 or actual == estimated:
            return
        for index in range(len(self._events) - 1, -1, -1):
            at, tokens = self._events[index]
            if tokens == estimated:
                self._events[index] = (at, actual)
                self._minute_tokens += actual - estimated
                break
        self.day_tokens = max(0, self.day_tokens + actual - estimated)
        self._unsaved_tokens += actual - estimated
        self.dirty = True

    def block_for(self, seconds: float) -> None:
        """Send nothing for `seconds` (a spent server quota, for instance)."""
        until = self._clock() + max(0.0, seconds)
        if until > self.blocked_until:
            self.blocked_until = self._unsaved_block = until
            self.dirty = True

    def update_from_headers(self, headers: Mapping[str, str]) -> None:
        """Groq's view: limit-requests is per day, limit-tokens per minute; remaining and reset for each."""
        now = self._clock()
        self._roll(now)
        day_limit = _int_header(headers, "x-ratelimit-limit-requests")
        day_left = _int_header(headers, "x-ratelimit-remaining-requests")
        minute_tokens = _int_header(headers, "x-ratelimit-limit-tokens")
        tokens_left = _int_header(headers, "x-ratelimit-remaining-tokens")
        if day_limit is not None and day_limit > 0 and day_limit != self.limits.rpd:
            log.info("%s: server says %d requests/day (configured %s)", self.key, day_limit, self.limits.rpd)
            self._set_limits(rpd=day_limit)
        if minute_tokens is not None and minute_tokens > 0 and minute_tokens != self.limits.tpm:
            log.info(
                "%s: server says %d tokens/min (configured %s)", self.key, minute_tokens, self.limits.tpm
            )
            self._set_limits(tpm=minute_tokens)
        if day_left is not None:
            limit = day_limit if day_limit is not None else self.limits.rpd
            if limit is not None:
                # The server counts what other processes with the same key spent too.
                used = max(0, limit - day_left)
                if used > self.day_requests:
                    self._unsaved_requests += used - self.day_requests
                    self.day_requests, self.dirty = used, True
            if day_left <= 0:
                wait = parse_reset(headers.get("x-ratelimit-reset-requests"))
                self.block_for(wait if wait is not None else seconds_to_utc_midnight(now))
                log.info("%s: daily requests spent; pausing for %.0f s", self.key, self.blocked_until - now)
        if tokens_left is not None:
            reset = parse_reset(headers.get("x-ratelimit-reset-tokens"))
            self._server_tokens_left = tokens_left
            self._server_tokens_until = now + (reset if reset is not None else MINUTE_S)
            if tokens_left <= 0:
                self.block_for(reset if reset is not None else MINUTE_S)

    def _set_limits(self, **changes: int) -> None:
        current = {f: getattr(self.limits, f) for f in ("rpm", "tpm", "rpd", "tpd")}
        current.update(changes)
        self.limits = Limits(**current)

    # -- persistence (shared counters and holds in the storage repository) -----------------------------------
    def window(self) -> int:
        return day_window(self._clock())

    def take_unsaved(self) -> tuple[int, int, int, float]:
        """(day window, requests, tokens, block end) not yet saved; resets the pending amounts."""
        self._roll(self._clock())
        pending = (
            day_window(self._clock()),
            self._unsaved_requests,
            self._unsaved_tokens,
            self._unsaved_block,
        )
        self._unsaved_requests = self._unsaved_tokens = 0
        self._unsaved_block = 0.0
        self.dirty = False
        return pending

    def keep_unsaved(self, window: int, requests: int, tokens: int, block: float) -> None:
        """Put back what a failed save took (if it is still the same day)."""
        if window == self.window():
            self._unsaved_requests += requests
            self._unsaved_tokens += tokens
        self._unsaved_block = max(self._unsaved_block, block)
        self.dirty = True

    def absorb(self, window: int, requests: int, tokens: int, blocked_until: float) -> None:
        """What every process has spent today (from the store), and a block one of them saved."""
        now = self._clock()
        self._roll(now)
        if window == day_window(now):
            self.day_requests = max(self.day_requests, requests)
            self.day_tokens = max(self.day_tokens, tokens)
        if blocked_until > now:
            self.blocked_until = max(self.blocked_until, blocked_until)


class ProviderBudget:
    """The budgets one provider checks before a request: its account-wide one and one per model."""

    def __init__(
        self,
        provider: str,
        model_limits: Limits,
        account_limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.provider = provider
        self._model_limits = model_limits
        self._clock = clock
        self.account = (
            RateBudget(f"{provider}:*", account_limits, clock=clock)
            if account_limits is not None and not account_limits.empty
            else None
        )
        self._models: dict[str, RateBudget] = {}

    def for_model(self, model: str) -> RateBudget:
        budget = self._models.get(model)
        if budget is None:
            budget = self._models[model] = RateBudget(
                f"{self.provider}:{model}", self._model_limits, clock=self._clock
            )
        return budget

    def scopes(self) -> Iterable[RateBudget]:
        if self.account is not None:
            yield self.account
        yield from self._models.values()

    def refusal(self, model: str, tokens: int) -> tuple[Literal["account", "model"], Refusal] | None:
        """Which scope refuses a request of about `tokens` tokens to `model`, and why; None if it fits."""
        if self.account is not None:
            reason = self.account.refusal(tokens)
            if reason is not None:
                return "account", reason
        reason = self.for_model(model).refusal(tokens)
        return ("model", reason) if reason is not None else None

    def available_in(self, model: str, tokens: int) -> float:
        waits = [self.for_model(model).available_in(tokens)]
        if self.account is not None:
            waits.append(self.account.available_in(tokens))
        return max(waits)

    def spend(self, model: str, tokens: int) -> None:
        if self.account is not None:
            self.account.spend(tokens)
        self.for_model(model).spend(tokens)

    def settle(self, model: str, estimated: int, actual: int) -> None:
        if self.account is not None:
            self.account.settle(estimated, actual)
        self.for_model(model).settle(estimated, actual)

    def update_from_headers(self, model: str, headers: Mapping[str, str]) -> None:
        """Rate-limit headers describe the model's limits (Groq counts per organisation and model)."""
        self.for_model(model).update_from_headers(headers)


class BudgetBook:
    """Every provider's budgets, loaded from and saved to a `UsageStore` (lazily, never blocking a request)."""

    def __init__(self, budgets: Iterable[ProviderBudget], store: UsageStore | None = None) -> None:
        self.budgets = list(budgets)
        self._store = store
        self._loaded = store is None
        self._load_lock = asyncio.Lock()
        self._flush_task: asyncio.Task[None] | None = None

    def scopes(self) -> list[RateBudget]:
        return [scope for budget in self.budgets for scope in budget.scopes()]

    async def ensure_loaded(self, models: Mapping[str, Iterable[str]] | None = None) -> None:
        """Read today's saved spending once (creating each configured model's scope first, so it applies)."""
        if self._loaded:
            return
        async with self._load_lock:
            if self._loaded or self._store is None:
                return
            for budget in self.budgets:
                for model in (models or {}).get(budget.provider, ()):
                    budget.for_model(model)
            try:
                for scope in self.scopes():
                    window = scope.window()
                    requests = await self._store.get_usage(_key(scope, "requests"), window)
                    tokens = await self._store.get_usage(_key(scope, "tokens"), window)
                    hold = await self._store.get_hold(_key(scope, "hold"))
                    scope.absorb(window, requests, tokens, hold)
            except Exception:
                log.exception("could not read saved LLM budgets; counting from zero")
            self._loaded = True

    def note_spending(self) -> None:
        """Schedule a save of changed scopes (coalesced: at most one pending)."""
        if self._store is None or (self._flush_task is not None and not self._flush_task.done()):
            return
        with contextlib.suppress(RuntimeError):  # no running loop: saved at close
            self._flush_task = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(FLUSH_DELAY_S)
        await self.flush()

    async def flush(self) -> None:
        """Save what every scope spent since the last save, and learn what other processes spent."""
        if self._store is None or not self._loaded:
            return
        for scope in [scope for scope in self.scopes() if scope.dirty]:
            window, requests, tokens, block = scope.take_unsaved()
            try:
                total_requests = await self._store.add_usage(_key(scope, "requests"), window, requests)
                total_tokens = await self._store.add_usage(_key(scope, "tokens"), window, tokens)
                hold = await self._store.hold_until(_key(scope, "hold"), block) if block else 0.0
            except Exception:
                log.exception("could not save the LLM budget of %s; will try again", scope.key)
                scope.keep_unsaved(window, requests, tokens, block)
                continue
            scope.absorb(window, total_requests, total_tokens, hold)

    async def aclose(self) -> None:
        task = self._flush_task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        await self.flush()


def _key(scope: RateBudget, what: str) -> str:
    return f"llm:{scope.key}:{what}"
