"""The LLM-budget figure: per-100 counts and what one free Groq model carries (arithmetic on what was sent)."""

from __future__ import annotations

import asyncio

from benchmarks.llm_budget import budget_figures, measure_llm_budget
from benchmarks.utterances import Utterance


def test_figures_from_two_requests_in_ten_commands() -> None:
    sent = [("command", 300), ("recommend", 200)]  # + assumed 120 and 300 completion tokens
    figure = budget_figures(10, sent, {"hits": 1, "misses": 2, "entries": 2})
    per_100 = figure["per_100_commands"]
    assert per_100["llm_requests"] == 20.0 and per_100["recommend_requests"] == 10.0
    assert per_100["tokens"] == (300 + 200 + 120 + 300) * 10
    one = figure["one_model"]
    assert one["commands_per_minute"] == round(8_000 / 9_200 * 100, 1) and one["minute_limit"] == "tokens"
    assert one["commands_per_day"] == round(200_000 / 9_200 * 100, 1)
    [ten] = [s for s in figure["servers"] if s["active_users"] == 10]
    assert ten["minutes_of_traffic_per_day"] == round(200_000 / 9_200 * 100 / (10 * 20 / 60), 1)
    assert figure["plan_cache"]["hit_rate"] == 0.333


def test_commands_the_local_parser_reads_cost_nothing() -> None:
    commands = [Utterance("pause", "en", "control"), Utterance("volume 40", "en", "control")]
    figure = asyncio.run(measure_llm_budget(commands))
    assert figure["per_100_commands"]["llm_requests"] == 0
    assert figure["one_model"]["commands_per_day"] is None
