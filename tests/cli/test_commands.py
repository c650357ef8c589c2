"""The slash-command tree, built offline: unique names, Spanish localisations, README in step."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli.commands import (
    MARKER_END,
    MARKER_START,
    build_command_tree_json,
    print_command_tree,
    render_commands_markdown,
)

SPANISH = ("es-ES", "es-419")
README = Path(__file__).resolve().parents[2] / "README.md"
NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture(scope="module")
def tree() -> list[dict[str, Any]]:
    return build_command_tree_json()


def walk(
    nodes: list[dict[str, Any]], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    for node in nodes:
        here = (*path, node["name"])
        yield here, node
        yield from walk([o for o in node.get("options") or [] if isinstance(o, dict)], here)


def test_every_command_from_the_issue_is_there(tree: list[dict[str, Any]]) -> None:
    names = {" ".join(path) for path, node in walk(tree) if node.get("type") == 1}
    expected = {
        "play", "pause", "resume", "skip", "previous", "seek", "volume", "shuffle", "repeat",
        "queue add", "queue show", "nowplaying", "devices", "recommend", "playlist create", "playlist add",
        "like", "ask", "spotify link", "spotify unlink", "spotify status", "settings dj-role",
        "settings language", "settings controller", "settings client-id", "help",
    }  # fmt: skip
    assert expected <= names


def test_no_duplicate_names_at_any_level(tree: list[dict[str, Any]]) -> None:
    for _, node in [((), {"options": tree}), *list(walk(tree))]:
        children = [o["name"] for o in node.get("options") or []]
        assert len(children) == len(set(children)), children


def test_every_description_and_option_name_is_localised_in_spanish(tree: list[dict[str, Any]]) -> None:
    for path, node in walk(tree):
        for locale in SPANISH:
            assert node["description_localizations"].get(locale), (path, locale)
            assert 1 <= len(node["description_localizations"][locale]) <= 100
            if node.get("type", 1) not in (1, 2):  # an option (not a command): its name is localised too
                localised = node["name_localizations"].get(locale)
                assert localised and NAME.match(localised) and localised == localised.lower(), (
                    path,
                    localised,
                )
        assert 1 <= len(node["description"]) <= 100 and NAME.match(node["name"])
        for choice in node.get("choices") or []:
            assert all(choice["name_localizations"].get(locale) for locale in SPANISH), (path, choice)


def test_settings_are_guild_only_and_personal_commands_work_everywhere(tree: list[dict[str, Any]]) -> None:
    by_name = {c["name"]: c for c in tree}
    assert by_name["settings"]["contexts"] == [0]
    assert (
        by_name["settings"]["default_member_permissions"] == str(1 << 5)
        or by_name["settings"]["default_member_permissions"] == 1 << 5
    )
    assert by_name["settings"]["integration_types"] == [0]
    for name in ("play", "recommend", "spotify", "ask", "help", "nowplaying", "queue", "playlist"):
        assert by_name[name]["contexts"] == [0, 1, 2], name  # servers, the bot's DM, group DMs
        assert by_name[name]["integration_types"] == [0, 1], name  # server install and user install


def test_json_output_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    print_command_tree(sys.stdout)
    assert {c["name"] for c in json.loads(capsys.readouterr().out)} >= {"play", "settings"}


def test_readme_lists_exactly_the_commands(tree: list[dict[str, Any]]) -> None:
    text = README.read_text(encoding="utf-8")
    assert MARKER_START in text and MARKER_END in text
    listed = text.split(MARKER_START, 1)[1].split(MARKER_END, 1)[0].strip()
    assert listed == render_commands_markdown(tree), "paste `render_commands_markdown()` into README.md"
