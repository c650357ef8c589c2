"""The benchmark harness runs a tiny configuration end to end and produces every figure (no timing asserted)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from benchmarks.__main__ import config_from_args, parse_args
from benchmarks.report import FIGURE_KEYS, TARGETS, render_table
from benchmarks.runner import BenchConfig, run_all
from benchmarks.utterances import generate


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    return asyncio.run(run_all(BenchConfig.tiny()))


@pytest.mark.timeout(180)
def test_tiny_run_produces_every_figure(figures: dict[str, Any]) -> None:
    assert set(FIGURE_KEYS) <= set(figures)
    assert figures["local_parser"]["utterances"] == 300
    assert figures["end_to_end"]["all"]["commands"] == 12
    assert figures["concurrency"]["commands"] == 4 * 2
    assert figures["memory"]["guild_sessions"] == 4
    assert figures["memory"]["peak_rss_mb"] > 0
    naive = figures["naive_design"]["llm_only"]
    assert naive["llm_requests_per_100"] >= 100  # rules off: every command asks the LLM
    assert figures["prompt_tokens"]["one_line_command"]["requests"] > 0
    assert figures["prompt_tokens"]["recommendation"]["requests"] > 0
    for scenario in ("healthy", "groq_503", "groq_429_retry_after_1", "groq_429_retry_after_1_once"):
        assert figures["fallback"][scenario]["ms"]["count"] == 1
    assert "openrouter" in "".join(figures["fallback"]["groq_503"]["answered_by"])


@pytest.mark.timeout(180)
def test_the_floor_replays_what_the_bot_sent_beside_each_figure(figures: dict[str, Any]) -> None:
    floor = figures["end_to_end"]["floor"]["latency_ms"]
    assert floor["count"] == 12
    assert floor["p99"] > 0  # every command made at least one request, replayed by the bare client
    assert figures["concurrency"]["floor"]["p99_over_single"] > 0
    assert figures["concurrency"]["cpu_us_per_command"] > 0
    steps = figures["load"]["steps"]
    assert [s["offered_per_s"] for s in steps] == [5.0, 20.0]
    busy = steps[-1]
    assert busy["commands"] > 0 and busy["floor_p99_ms"] > 0 and busy["cpu_us_per_command"] > 0
    assert "3b. Sustained Poisson load" in render_table(figures)


@pytest.mark.timeout(180)
def test_every_target_has_a_value_and_a_verdict(figures: dict[str, Any]) -> None:
    verdicts = {t["name"]: t for t in figures["targets"]}
    assert set(verdicts) == {t.name for t in TARGETS}
    for target in verdicts.values():
        assert target["value"] is not None, target["name"]
        assert target["result"] in ("PASS", "FAIL")
    table = render_table(figures)
    for section in (
        "1. Local parser",
        "2. End-to-end",
        "3. Concurrency",
        "4. Fallback",
        "5. LLM request size",
        "6. Memory",
        "7. Local rules first",
    ):
        assert section in table


def test_generated_utterances_mix_languages_and_categories() -> None:
    items = generate(10_000)
    assert len(items) == 10_000
    assert {u.lang for u in items} == {"en", "es"}
    assert {"control", "play", "recommend", "question"} <= {u.category for u in items}
    assert len({u.text for u in items}) > 1_000


def test_cli_flags_set_latencies_and_quick_sizes() -> None:
    config = config_from_args(
        parse_args(["--quick", "--groq-ms", "50", "--spotify-ms", "10", "--guilds", "7"])
    )
    assert config.latencies.groq_latency_s == pytest.approx(0.05)
    assert config.latencies.spotify_latency_s == pytest.approx(0.01)
    assert config.guilds == 7
    assert config.e2e_commands < BenchConfig().e2e_commands


def test_only_runs_the_chosen_figures_and_the_denominator_they_need() -> None:
    config = config_from_args(parse_args(["--only", "concurrency"]))
    assert config.only == frozenset({"concurrency"})
    assert config.wants("concurrency") and not config.wants("memory")
    figures = asyncio.run(run_all(BenchConfig.tiny(only=config.only)))
    assert {"end_to_end", "concurrency"} <= set(figures)  # the single-command p99 the burst divides by
    assert not {"local_parser", "llm_budget", "load", "naive_design", "fallback", "memory"} & set(figures)
    verdicts = {t["name"]: t["result"] for t in figures["targets"]}
    assert verdicts["peak RSS"] == "n/a"
    assert "3. Concurrency" in render_table(figures)


@pytest.mark.timeout(180)
def test_burst_failures_are_split_by_cause(figures: dict[str, Any]) -> None:
    conc = figures["concurrency"]
    causes = conc["failure_causes"]
    assert set(causes) == {"load", "refused", "bug", "answer"}
    assert sum(causes.values()) == sum(conc["failures"].values())
    assert conc["load_failures"] == causes["load"] + causes["refused"] + causes["bug"]
    assert "answers about the request" in render_table(figures)
