"""Every example the bot itself suggests (help text, hints, README) is understood without an LLM.

The examples are read from the message catalogue and the README, so a new example that the local parser does
not understand fails here instead of disappointing the first user who tries it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import CATALOG
from bot.nlu.actions import action_dump
from bot.nlu.rules import parse_local

README = Path(__file__).resolve().parents[2] / "README.md"
DEMO_DEVICE = "Demo Speaker"  # the demo server's active device (bot/demo/spotify_server.py)
_SHELL = re.compile(
    r"(?:\S*/)?(?:python\d?|sqlite3|make|pip|docker|git)\b|.* --?[a-z]"
)  # also `.venv/bin/python ...`


def _catalog_examples() -> list[tuple[str, str]]:
    """(where, example): `backticked` phrases that are not slash commands, shell lines, settings or
    placeholders, and the phrases users are told to 'say "…"' / 'di "…"'."""
    found: set[tuple[str, str]] = set()
    for key, langs in CATALOG.items():
        for lang, text in langs.items():
            for m in re.finditer(r"`([^`]+)`", text):
                example = m.group(1)
                if example.startswith("/") or "<" in example or "_" in example or example.isupper():
                    continue
                if _SHELL.match(example) or "{" in example:
                    continue
                found.add((f"{key}[{lang}]", example))
            for m in re.finditer(r'(?:say|di) "([^"]+)"', text):
                found.add((f"{key}[{lang}]", m.group(1).replace("{device}", DEMO_DEVICE)))
    return sorted(found)


def _readme_examples() -> list[tuple[str, str]]:
    """The “@bot …” messages quoted in the README (a mention arrives as <@id>)."""
    if not README.is_file():
        return []
    text = README.read_text(encoding="utf-8")
    return [("README", "<@1> " + m.group(1)) for m in re.finditer(r"“@bot ([^”]+)”", text)]


EXAMPLES = _catalog_examples() + _readme_examples()


def _dump(text: str) -> list[dict[str, Any]] | None:
    plan = parse_local(text)
    return None if plan is None else [action_dump(a) for a in plan.actions]


def test_examples_were_found() -> None:
    sources = {where.split("[")[0] for where, _ in EXAMPLES}
    assert {"help.text", "error.not_understood", "spotify.no_active_device.list", "README"} <= sources
    assert len(EXAMPLES) >= 40


@pytest.mark.parametrize(("where", "example"), EXAMPLES, ids=[f"{w}:{e}" for w, e in EXAMPLES])
def test_every_suggested_example_is_understood_locally(where: str, example: str) -> None:
    assert _dump(example) is not None, f"{where} suggests {example!r}, which only an LLM would understand"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seek 1:30", [{"action": "seek", "position_s": 90}]),
        ("ve al 1:30", [{"action": "seek", "position_s": 90}]),
        ("me gusta", [{"action": "like"}]),
        ("transfer to Demo Speaker", [{"action": "transfer", "device": "Demo Speaker"}]),
        ("pasa a Demo Speaker", [{"action": "transfer", "device": "Demo Speaker"}]),
        (
            "recommend something like Daft Punk",
            [{"action": "recommend", "prompt": "recommend something like Daft Punk", "count": 5}],
        ),
        (
            "<@1> put on something like Daft Punk and turn it up",
            [
                {"action": "recommend", "prompt": "put on something like Daft Punk", "count": 5},
                {"action": "volume", "delta": 10},
            ],
        ),
        ("<@1> súbele el volumen", [{"action": "volume", "delta": 10}]),
    ],
)
def test_examples_mean_what_they_say(text: str, expected: list[dict[str, Any]]) -> None:
    assert _dump(text) == expected
