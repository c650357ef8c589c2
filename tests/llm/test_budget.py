"""Client-side budgets: per minute and per day, corrected by Groq's headers, saved and restored."""

from __future__ import annotations

from bot.llm.budget import Limits, ProviderBudget, RateBudget, day_window, parse_reset

NOON = 1_796_212_800.0  # 2026-12-02 12:00:00 UTC


class Clock:
    def __init__(self) -> None:
        self.now = NOON

    def __call__(self) -> float:
        return self.now


def test_requests_per_minute_are_capped_and_freed_after_a_minute() -> None:
    clock = Clock()
    budget = RateBudget("groq:m", Limits(rpm=2, tpm=10_000), clock=clock)
    budget.spend(10)
    budget.spend(10)
    assert budget.refusal(10) == "rpm"
    clock.now += 60.0
    assert budget.refusal(10) is None


def test_tokens_per_minute_are_capped() -> None:
    budget = RateBudget("groq:m", Limits(rpm=100, tpm=1000), clock=Clock())
    budget.spend(900)
    assert budget.refusal(200) == "tpm"
    assert budget.refusal(100) is None


def test_tokens_per_minute_follow_settled_usage_and_leave_the_window_after_a_minute() -> None:
    clock = Clock()
    budget = RateBudget("groq:m", Limits(tpm=1000), clock=clock)
    budget.spend(100)
    clock.now += 30.0
    budget.spend(200)
    budget.settle(200, 500)  # the second request really used 500
    assert budget.tokens_this_minute == 600
    assert budget.refusal(401) == "tpm"
    clock.now += 30.0  # the first request leaves the minute
    assert budget.tokens_this_minute == 500
    assert budget.refusal(500) is None
    clock.now += 30.0
    assert (budget.tokens_this_minute, budget.requests_this_minute) == (0, 0)


def test_a_clock_set_back_a_day_still_counts_that_day_afresh() -> None:
    clock = Clock()
    budget = RateBudget("groq:m", Limits(rpd=1), clock=clock)
    budget.spend(10)
    assert budget.refusal(10) == "rpd"
    clock.now = NOON - 86_400.0
    assert budget.refusal(10) is None


def test_requests_per_day_survive_the_minute_and_end_at_utc_midnight() -> None:
    clock = Clock()
    budget = RateBudget("groq:m", Limits(rpm=30, rpd=3), clock=clock)
    for _ in range(3):
        budget.spend(100)
        clock.now += 61.0
    assert budget.refusal(100) == "rpd"
    assert 11 * 3600 < budget.available_in(100) <= 12 * 3600  # until midnight UTC
    clock.now = NOON + 12 * 3600 + 1  # the next UTC day
    assert budget.refusal(100) is None


def test_tokens_per_day_count_the_settled_usage_not_the_estimate() -> None:
    budget = RateBudget("groq:m", Limits(tpd=1000), clock=Clock())
    budget.spend(100)
    budget.settle(100, 700)  # the server reported 700 tokens (reasoning included)
    assert budget.day_tokens == 700
    assert budget.refusal(400) == "tpd"
    assert budget.refusal(300) is None


def test_groq_headers_read_requests_as_daily_and_tokens_as_per_minute() -> None:
    budget = RateBudget("groq:m", Limits(rpm=30, tpm=8000, rpd=1000, tpd=200_000), clock=Clock())
    budget.update_from_headers(
        {
            "x-ratelimit-limit-requests": "14400",
            "x-ratelimit-limit-tokens": "6000",
            "x-ratelimit-remaining-requests": "14000",
            "x-ratelimit-remaining-tokens": "5900",
            "x-ratelimit-reset-requests": "2m59.56s",
            "x-ratelimit-reset-tokens": "1s",
        }
    )
    assert budget.limits == Limits(rpm=30, tpm=6000, rpd=14400, tpd=200_000)
    assert budget.day_requests == 400  # another process with the same key spent them today


def test_server_headers_block_until_reset() -> None:
    clock = Clock()
    budget = RateBudget("groq:m", Limits(rpm=100), clock=clock)
    budget.update_from_headers(
        {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "2m0.5s"}
    )
    assert budget.refusal(1) == "blocked"
    clock.now += 120.6
    assert budget.refusal(1) is None


def test_server_tokens_left_limit_large_requests_only() -> None:
    budget = RateBudget("groq:m", Limits(rpm=100, tpm=100_000), clock=Clock())
    budget.update_from_headers({"x-ratelimit-remaining-tokens": "500", "x-ratelimit-reset-tokens": "7.66s"})
    assert budget.refusal(600) == "tpm"
    assert budget.refusal(400) is None


def test_unsaved_spending_is_handed_over_once() -> None:
    clock = Clock()
    budget = RateBudget("groq:m", Limits(rpd=1000), clock=clock)
    budget.spend(50)
    budget.spend(50)
    budget.settle(50, 80)
    budget.block_for(30.0)
    assert budget.take_unsaved() == (day_window(NOON), 2, 130, NOON + 30.0)
    assert budget.take_unsaved() == (day_window(NOON), 0, 0, 0.0)


def test_what_other_processes_spent_today_counts_but_not_yesterday() -> None:
    clock = Clock()
    budget = RateBudget("groq:m", Limits(rpd=10), clock=clock)
    budget.absorb(day_window(NOON), 10, 5000, 0.0)
    assert budget.refusal(1) == "rpd"
    other = RateBudget("groq:m", Limits(rpd=10), clock=clock)
    other.absorb(day_window(NOON) - 86_400, 10, 5000, NOON - 1.0)
    assert other.refusal(1) is None


def test_account_budget_is_shared_by_every_model() -> None:
    budget = ProviderBudget("openrouter", Limits(), Limits(rpd=2), clock=Clock())
    budget.spend("a:free", 10)
    budget.spend("b:free", 10)
    assert budget.refusal("c:free", 10) == ("account", "rpd")


def test_model_budgets_are_separate() -> None:
    budget = ProviderBudget("groq", Limits(rpm=1), clock=Clock())
    budget.spend("openai/gpt-oss-20b", 10)
    assert budget.refusal("openai/gpt-oss-20b", 10) == ("model", "rpm")
    assert budget.refusal("openai/gpt-oss-120b", 10) is None


def test_parse_reset_formats() -> None:
    assert parse_reset("7.66s") == 7.66
    assert parse_reset("2m59.5s") == 179.5
    assert parse_reset("120ms") == 0.12
    assert parse_reset("3") == 3.0
    assert parse_reset("soon") is None
