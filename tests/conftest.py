"""Fixtures shared by the whole suite (the loopback fake LLM server, the fake Spotify Web API, PostgreSQL), and a
summary line that says which tests were skipped and why, so a skip is never mistaken for a pass."""

from __future__ import annotations

from collections import Counter

import pytest

pytest_plugins = [
    "tests.fakes.llm_fixtures",
    "tests.fakes.spotify",
    "tests.storage.postgres_server",
    "tests.fakes.discord.fixtures",
]


def _skip_reason(report: pytest.TestReport) -> str:
    """The reason pytest recorded for a skip ('Skipped: ' prefix dropped)."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if isinstance(r, pytest.TestReport)]
    if not skipped:
        return
    reasons = Counter(_skip_reason(r) for r in skipped)
    terminalreporter.write_sep("-", f"{len(skipped)} skipped, and why")
    for reason, count in reasons.most_common():
        tests = "test" if count == 1 else "tests"
        terminalreporter.write_line(f"{count} {tests} skipped: {reason}")
    if any("../shared" in reason for reason in reasons):
        terminalreporter.write_line(
            "(../shared sits beside the checkout in CI: it holds the API specs and the shared utterance sets)"
        )
