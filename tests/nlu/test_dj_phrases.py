"""DJ mode asked for in words, locally: start with a vibe, start with none, stop; and what is left alone."""

from __future__ import annotations

from typing import Any

import pytest

from bot.nlu.actions import action_dump
from bot.nlu.rules import parse_local


def _parsed(text: str) -> list[dict[str, Any]] | None:
    plan = parse_local(text)
    return None if plan is None else [action_dump(a) for a in plan.actions]


@pytest.mark.parametrize(
    ("text", "vibe"),
    [
        ("DJ something chill for the evening", "chill for the evening"),
        ("@bot be our dj with some 90s hip hop", "90s hip hop"),
        ("start dj mode with upbeat funk", "upbeat funk"),
        ("play something chill and keep it going", "chill"),
        ("pon algo tranquilo y sigue así", "tranquilo"),
        ("modo dj con reggaetón", "reggaetón"),
        ("hazme de dj con algo de rock nacional", "algo de rock nacional"),
    ],
)
def test_dj_start_with_a_vibe(text: str, vibe: str) -> None:
    assert _parsed(text) == [{"action": "dj_start", "vibe": vibe}]


@pytest.mark.parametrize(
    "text", ["start dj mode", "keep the music going", "activa el modo dj", "sigue poniendo canciones así"]
)
def test_dj_start_without_a_vibe_follows_what_has_been_playing(text: str) -> None:
    actions = _parsed(text)
    assert actions is not None and actions[0]["action"] == "dj_start"


@pytest.mark.parametrize(
    "text", ["stop dj mode", "turn off the dj", "dj off", "para el modo dj", "apaga el modo DJ"]
)
def test_dj_stop(text: str) -> None:
    assert _parsed(text) == [{"action": "dj_stop"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hey dj play daft punk", [{"action": "play", "query": "daft punk", "kind": "any"}]),
        ("stop", [{"action": "pause"}]),
        ("something chill", [{"action": "recommend", "prompt": "something chill", "count": 5}]),
    ],
)
def test_dj_as_a_form_of_address_is_not_dj_mode(text: str, expected: list[dict[str, Any]]) -> None:
    assert _parsed(text) == expected
