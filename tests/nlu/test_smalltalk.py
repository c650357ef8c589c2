"""Small talk is recognised only when it is the whole message, with the language it is clearly in."""

from __future__ import annotations

import pytest

from bot.nlu.smalltalk import match_confirmation, match_smalltalk


@pytest.mark.parametrize(
    ("text", "kind", "lang"),
    [
        ("hi", "greeting", "en"),
        ("Hello there!", "greeting", "en"),
        ("hola", "greeting", "es"),
        ("¡Buenos días, bot!", "greeting", "es"),
        ("hey", "greeting", None),
        ("thx bot 🙏", "thanks", "en"),
        ("Thank you so much!!", "thanks", "en"),
        ("gracias bro 🙌", "thanks", "es"),
        ("muchas gracias tío", "thanks", "es"),
        ("jajaja", "laugh", None),
        ("JAJAJA bot", "laugh", None),
        ("lol", "laugh", None),
        ("<@123456> hi", "greeting", "en"),
        ("ok", "ack", None),
        ("Vale!", "ack", "es"),
        ("cool bro", "ack", "en"),
    ],
)
def test_small_talk_is_recognised_with_its_language(text: str, kind: str, lang: str | None) -> None:
    found = match_smalltalk(text)
    assert found is not None
    assert (found.kind, found.lang) == (kind, lang)


@pytest.mark.parametrize(
    "text",
    ["play hi", "hola, pon daft punk", "thanks, now skip", "bot", "", "🙏", "hi " * 40, "play thank you"],
)
def test_anything_that_asks_for_more_is_not_small_talk(text: str) -> None:
    assert match_smalltalk(text) is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [("yes", True), ("Sí!", True), ("vale", True), ("no", False), ("nope", False), ("mejor no", False)],
)
def test_confirmations(text: str, answer: bool) -> None:
    assert match_confirmation(text) is answer


def test_a_new_request_is_not_a_confirmation() -> None:
    assert match_confirmation("play daft punk") is None
