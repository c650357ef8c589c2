"""The client-side per-minute budget."""

from __future__ import annotations

from bot.llm.budget import RateBudget, parse_reset


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_requests_per_minute_are_capped_and_freed_after_a_minute() -> None:
    clock = Clock()
    budget = RateBudget(rpm=2, tpm=10_000, clock=clock)
    assert budget.try_acquire(10) and budget.try_acquire(10)
    assert not budget.try_acquire(10)
    clock.now += 60.0
    assert budget.try_acquire(10)


def test_tokens_per_minute_are_capped() -> None:
    budget = RateBudget(rpm=100, tpm=1000, clock=Clock())
    assert budget.try_acquire(900)
    assert not budget.try_acquire(200)
    assert budget.try_acquire(100)


def test_server_headers_block_until_reset() -> None:
    clock = Clock()
    budget = RateBudget(rpm=100, tpm=100_000, clock=clock)
    budget.update_from_headers(
        {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "2m0.5s"}
    )
    assert not budget.try_acquire(1)
    clock.now += 120.6
    assert budget.try_acquire(1)


def test_server_tokens_left_limit_large_requests_only() -> None:
    budget = RateBudget(rpm=100, tpm=100_000, clock=Clock())
    budget.update_from_headers({"x-ratelimit-remaining-tokens": "500", "x-ratelimit-reset-tokens": "7.66s"})
    assert not budget.try_acquire(600)
    assert budget.try_acquire(400)


def test_parse_reset_formats() -> None:
    assert parse_reset("7.66s") == 7.66
    assert parse_reset("2m59.5s") == 179.5
    assert parse_reset("120ms") == 0.12
    assert parse_reset("3") == 3.0
    assert parse_reset("soon") is None
