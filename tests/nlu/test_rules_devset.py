"""The local parser against the shared development utterances (skipped in a clone without ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.evaluate import Utterance, evaluate, load_utterances
from tests.nlu.test_rules import CASES, HELD_OUT

UTTERANCES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "utterances"
DEV_FILES = sorted(UTTERANCES.glob("*.jsonl")) if UTTERANCES.is_dir() else []
EXTERNAL_FILES = sorted(UTTERANCES.glob("external/*.jsonl")) if UTTERANCES.is_dir() else []
# Floors for the externally written voice-assistant sets (issue 13 targets: precision 0.98, coverage 0.60).
EXTERNAL_COVERAGE_FLOOR = {"voice_assistant_music_en.jsonl": 0.59, "fina_ergen_es.jsonl": 0.79}


@pytest.mark.skipif(not DEV_FILES, reason="../shared/data/utterances is not available")
@pytest.mark.parametrize("path", DEV_FILES, ids=[p.name for p in DEV_FILES])
def test_precision_and_control_coverage_on_dev_files(path: Path) -> None:
    report = evaluate(load_utterances(path), name=path.name)
    assert report.total > 0
    assert report.precision >= 0.98, report.wrong[:10]
    assert report.control_coverage >= 0.70
    assert report.control_correct_rate >= 0.70


@pytest.mark.skipif(not EXTERNAL_FILES, reason="../shared/data/utterances/external is not available")
@pytest.mark.parametrize("path", EXTERNAL_FILES, ids=[p.name for p in EXTERNAL_FILES])
def test_precision_and_coverage_on_external_sets(path: Path) -> None:
    report = evaluate(load_utterances(path), name=path.name)
    assert report.scored > 300
    assert report.precision >= 0.98, report.wrong[:10]
    assert report.coverage >= EXTERNAL_COVERAGE_FLOOR.get(path.name, 0.40), report.line()


def _as_utterances(cases: list[tuple[str, list[dict[str, object]] | None]]) -> list[Utterance]:
    return [Utterance(text=text, expected=expected, has_expected=True) for text, expected in cases]


def test_held_out_cases_are_precise_and_covered() -> None:
    report = evaluate(_as_utterances(HELD_OUT), name="held-out")
    assert report.precision == 1.0, report.wrong
    assert report.negatives_answered == 0
    assert report.control_coverage >= 0.70


def test_evaluate_scores_wrong_answers_and_silence() -> None:
    utts = [
        Utterance(text="skip", intent="HassMediaNext"),
        Utterance(text="pause", intent="HassMediaNext"),  # answered, but wrongly labelled -> wrong
        Utterance(text="tell me a joke", intent="HassMediaPause"),  # not answered
        Utterance(text="tell me a joke about this song", expected=None, has_expected=True),
    ]
    report = evaluate(utts, name="synthetic")
    assert (report.answered, report.correct) == (2, 1)
    assert report.control_total == 3 and report.control_answered == 2
    assert report.negatives == 1 and report.negatives_answered == 0


def test_evaluate_play_queries_must_contain_labels_and_no_service() -> None:
    good = Utterance(text="play Wanted by Erykah Badu on Deezer", intent="PlayMusic",
                     slots={"track": "Wanted", "artist": "Erykah Badu", "service": "Deezer"})  # fmt: skip
    report = evaluate([good], name="play")
    assert report.answered == 1 and report.correct == 1

    def leaky_parser(text: str):  # type: ignore[no-untyped-def]
        from bot.nlu.actions import Play
        from bot.nlu.plan import Plan

        return Plan(actions=[Play(query=text.removeprefix("play "))], source="rules")

    leaky = evaluate([good], name="leaky", parser=leaky_parser)
    assert leaky.answered == 1 and leaky.correct == 0


def test_table_cases_agree_with_evaluate() -> None:
    report = evaluate(_as_utterances(CASES), name="table")
    assert report.precision == 1.0, report.wrong
