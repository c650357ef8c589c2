"""Numbers and durations written by people, in English and Spanish ("fifty", "ochenta y cinco", "1:30").

Every function takes folded text (lower case, accents removed) and returns None when it is not sure.
"""

from __future__ import annotations

import re

_UNITS_EN = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_EN = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_UNITS_ES = {
    "cero": 0, "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14,
    "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20,
    "veintiuno": 21, "veintiun": 21, "veintiuna": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24,
    "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
}  # fmt: skip
_TENS_ES = {
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
}  # fmt: skip
_HUNDRED = {"hundred": 100, "a hundred": 100, "one hundred": 100, "cien": 100, "ciento": 100}

_WORDS: dict[str, int] = {}
for _src in (_UNITS_EN, _UNITS_ES, _TENS_EN, _TENS_ES, _HUNDRED):
    _WORDS.update(_src)
for _t, _tv in _TENS_EN.items():
    for _u, _uv in _UNITS_EN.items():
        if 1 <= _uv <= 9 and _u not in ("a", "an"):
            _WORDS[f"{_t} {_u}"] = _tv + _uv
            _WORDS[f"{_t}-{_u}"] = _tv + _uv
for _t, _tv in _TENS_ES.items():
    for _u, _uv in _UNITS_ES.items():
        if 1 <= _uv <= 9:
            _WORDS[f"{_t} y {_u}"] = _tv + _uv

# "a"/"an"/"un"/"una" alone are articles, not numbers, unless a unit follows (handled by the duration parser).
_ARTICLES = frozenset({"a", "an", "un", "una"})

NUMBER_WORDS_PATTERN = "|".join(
    sorted((re.escape(w) for w in _WORDS if w not in _ARTICLES), key=len, reverse=True)
)
NUMBER_PATTERN = rf"(?:\d{{1,3}}|{NUMBER_WORDS_PATTERN})"


def parse_number(text: str) -> int | None:
    """An integer written as digits or as English/Spanish words ("85", "eighty five", "ochenta y cinco")."""
    text = text.strip()
    if text.isdigit():
        return int(text) if len(text) <= 6 else None
    if text in _ARTICLES:
        return None
    return _WORDS.get(text.replace("  ", " "))


_NUM = r"(?:\d{1,5}|" + NUMBER_WORDS_PATTERN + r"|an?|una?)"
_HOUR = r"(?:hours?|hrs?|h|horas?)"
_MIN = r"(?:minutes?|mins?|m|minutos?)"
_SEC = r"(?:seconds?|secs?|s|segundos?)"
_CLOCK_RE = re.compile(r"(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)")
_UNITS_RE = re.compile(
    rf"(?:(?P<h>{_NUM})\s*{_HOUR}(?:\s*(?:,|and|y))?\s*)?"
    rf"(?:(?P<m>{_NUM}|half an?|medio)\s*{_MIN}(?P<mhalf>\s+(?:and a half|y medio))?(?:\s*(?:,|and|y))?\s*)?"
    rf"(?:(?P<s>{_NUM})(?:\s*{_SEC})?)?"
)
_HALF_MIN_RE = re.compile(
    r"(?:half an? minute|medio minuto|a minute and a half|un minuto y medio|minuto y medio)"
)


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    if text in _ARTICLES:
        return 1
    if text in ("half a", "half an", "medio"):
        return None
    return parse_number(text)


def parse_duration(text: str, *, bare_seconds: bool = False) -> int | None:
    """Seconds in "1:30", "90 seconds", "1 minute 30", "un minuto y medio"; a bare number only if allowed."""
    text = text.strip()
    if not text:
        return None
    clock = _CLOCK_RE.fullmatch(text)
    if clock:
        h = int(clock.group(1) or 0)
        return h * 3600 + int(clock.group(2)) * 60 + int(clock.group(3))
    half = _HALF_MIN_RE.fullmatch(text)
    if half:
        return 30 if half.group(0).startswith(("half", "medio")) else 90
    m = _UNITS_RE.fullmatch(text)
    if not m or not m.group(0):
        return None
    total = 0
    if m.group("h"):
        hours = _num(m.group("h"))
        if hours is None:
            return None
        total += hours * 3600
    if m.group("m"):
        raw = m.group("m").strip()
        if raw.startswith(("half", "medio")):
            total += 30
        else:
            mins = _num(raw)
            if mins is None:
                return None
            total += mins * 60
        if m.group("mhalf"):
            total += 30
    if m.group("s"):
        # a unit must follow the number itself: "dos"/"tres" end in "s" but are bare numbers
        has_unit = bool(text[m.end("s") :].strip()) and not text.endswith(("m", "h"))
        follows_min = bool(m.group("m") or m.group("h"))
        if not (has_unit or follows_min or bare_seconds):
            return None
        secs = _num(m.group("s"))
        if secs is None:
            return None
        total += secs
    elif not (m.group("m") or m.group("h")):
        return None
    return total
