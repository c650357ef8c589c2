"""The local parser on a held-out set written apart from the rules (voice-assistant, chat and dialect styles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.evaluate import Report, evaluate, load_utterances

HELDOUT = Path(__file__).resolve().parent / "heldout_generalisation.jsonl"


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate(load_utterances(HELDOUT), name=HELDOUT.name)


def test_set_is_large_and_balanced(report: Report) -> None:
    assert report.total >= 400
    assert report.negatives >= 100
    assert report.control_total >= 200


def test_precision_when_answering(report: Report) -> None:
    assert report.precision >= 0.98, report.wrong[:20]


def test_control_coverage(report: Report) -> None:
    assert report.control_coverage >= 0.70
    assert report.control_correct_rate >= 0.70


def test_no_negative_is_answered(report: Report) -> None:
    assert report.negatives_answered == 0, report.wrong[:20]
