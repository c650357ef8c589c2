"""The repository's Discord-style chat sets (tests/nlu/chat): slang, typos, voseo, emoji, follow-ups.

Issue 13's target for chat: at least 80 % right and at most one wrong action in 150 messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.evaluate import REPO_SETS, Report, evaluate, load_utterances

CHAT_FILES = sorted(REPO_SETS.glob("*.jsonl"))


def test_chat_sets_exist_in_both_languages() -> None:
    names = {p.name for p in CHAT_FILES}
    assert {"discord_en.jsonl", "discord_es.jsonl"} <= names
    assert sum(len(load_utterances(p)) for p in CHAT_FILES) >= 400


@pytest.mark.parametrize("path", CHAT_FILES, ids=[p.name for p in CHAT_FILES])
def test_chat_set_is_mostly_right_and_almost_never_wrong(path: Path) -> None:
    report: Report = evaluate(load_utterances(path), name=path.name)
    assert report.negatives >= 15, "a chat set needs messages that must not be answered"
    right = (report.correct + report.negatives - report.negatives_answered) / report.total  # silence is right
    assert right >= 0.80, report.line()
    assert report.wrong_count <= max(1, report.total // 150), report.wrong
