"""Why a benchmark command failed: load, the bot's own limits, a bug, or a true answer about the request."""

from __future__ import annotations

import pytest

from benchmarks.end_to_end import failure_cause, failure_causes
from benchmarks.load import step_seconds


@pytest.mark.parametrize(
    ("key", "cause"),
    [
        ("spotify.unavailable", "load"),
        ("spotify.rate_limited", "load"),
        ("llm.command.unavailable", "load"),
        ("llm.over_quota_minutes", "refused"),
        ("llm.command.over_quota", "refused"),
        ("error.cooldown", "refused"),
        ("error.unexpected", "bug"),
        ("spotify.nothing_found", "answer"),
        ("error.not_understood", "answer"),
        ("spotify.device_not_found", "answer"),
    ],
)
def test_each_failure_key_has_one_cause(key: str, cause: str) -> None:
    assert failure_cause(key) == cause


def test_causes_are_counted_with_zeros_and_successes_left_out() -> None:
    keys = [None, "spotify.nothing_found", "spotify.unavailable", None, "spotify.nothing_found"]
    assert failure_causes(keys) == {"load": 1, "refused": 0, "bug": 0, "answer": 2}


def test_a_low_rate_runs_long_enough_for_its_p99() -> None:
    assert step_seconds(10, 8.0, 400) == pytest.approx(40.0)
    assert step_seconds(300, 8.0, 400) == pytest.approx(8.0)
    assert step_seconds(10, 8.0, 0) == pytest.approx(8.0)
