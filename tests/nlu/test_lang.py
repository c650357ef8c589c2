"""Language detection for replies and LLM prompts."""

from __future__ import annotations

import pytest

from bot.nlu.lang import detect_lang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("skip this song", "en"),
        ("turn it up please", "en"),
        ("what's playing right now?", "en"),
        ("play Despacito", "en"),
        ("play Beyoncé", "en"),
        ("pasa a la siguiente canción", "es"),
        ("súbele", "es"),
        ("¿qué suena?", "es"),
        ("pon Bohemian Rhapsody", "es"),
        ("bájale un poco por favor", "es"),
        ("quiero escuchar algo de Shakira", "es"),
        ("añade esta canción a mi playlist", "es"),
    ],
)
def test_detects_english_and_spanish(text: str, expected: str) -> None:
    assert detect_lang(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "🎵", "123", "Despacito", "<@123>"])
def test_unclear_text_uses_the_default(text: str) -> None:
    assert detect_lang(text, default="es") == "es"
    assert detect_lang(text, default="en") == "en"


def test_huge_or_odd_input_does_not_raise() -> None:
    assert detect_lang("pon " * 10_000) == "es"
    assert detect_lang("\x00\x01\u202e skip") == "en"
    assert detect_lang(None, default="es") == "es"  # type: ignore[arg-type]
