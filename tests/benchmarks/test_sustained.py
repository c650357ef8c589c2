"""The sustained-load figure runs end to end on PostgreSQL with one and two worker processes (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.fakes import FakesProcess, Latencies
from benchmarks.report import render_table
from benchmarks.sustained import run_sustained


@pytest.mark.timeout(180)
async def test_one_and_two_processes_are_measured_side_by_side(
    tmp_path: Path, postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", postgres_server)
    async with FakesProcess(Latencies(0.002, 0.004, 0.001, 0.002, 0.001)) as fakes:
        figure = await run_sustained(fakes, tmp_path, rates=(20.0,), seconds=1.0, guilds=4, progress=print)
    for n in (1, 2):
        part = figure[f"processes_{n}"]
        assert part["processes"] == n
        (step,) = part["steps"]
        assert step["commands"] == 20 and step["failures"] == 0  # every command answered, none failed
    assert "8. Sustained load on PostgreSQL" in render_table({"sustained": figure})
