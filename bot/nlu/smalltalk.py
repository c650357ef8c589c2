"""Greetings, thanks, acknowledgements and laughter ("hi", "hola", "thx bot 🙏", "ok", "jajaja"), answered
briefly in kind.

The phrases are data (`smalltalk.toml` beside this module); the replies are i18n messages `smalltalk.<kind>`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from bot.nlu.plan import Lang

Kind = Literal["greeting", "thanks", "ack", "laugh"]
PHRASES_FILE = Path(__file__).with_name("smalltalk.toml")
MAX_CHARS = 60  # anything longer is a request, not small talk

_NOT_WORD_RE = re.compile(r"[^a-z0-9ñ']+")
_MENTION_RE = re.compile(r"<[@#!&]+\d+>")


@dataclass(frozen=True, slots=True)
class SmallTalk:
    """A message that is only a greeting, a thank-you, an "ok" or a laugh; `lang` None: no clear language."""

    kind: Kind
    lang: Lang | None

    @property
    def key(self) -> str:
        return f"smalltalk.{self.kind}"


@dataclass(frozen=True, slots=True)
class _Phrasebook:
    filler: frozenset[str]
    phrases: dict[str, tuple[Kind, Lang | None]]
    laugh: re.Pattern[str]
    yes: frozenset[str]
    no: frozenset[str]


def _words(text: str, filler: frozenset[str]) -> str:
    """Lower-case, accents folded (ñ kept), punctuation and emoji dropped, filler words removed."""
    decomposed = unicodedata.normalize("NFD", _MENTION_RE.sub(" ", text).lower().replace("ñ", "\0"))
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("\0", "ñ")
    words = [w.strip("'") for w in _NOT_WORD_RE.split(folded)]
    return " ".join(w for w in words if w and w not in filler)


@lru_cache(maxsize=1)
def _phrasebook() -> _Phrasebook:
    data = tomllib.loads(PHRASES_FILE.read_text(encoding="utf-8"))
    filler = frozenset(data["filler"])
    phrases: dict[str, tuple[Kind, Lang | None]] = {}
    kinds: tuple[Kind, ...] = ("greeting", "thanks", "ack")
    for kind in kinds:
        for lang_name, lang in (("en", "en"), ("es", "es"), ("any", None)):
            for phrase in data[kind].get(lang_name, []):
                words = _words(phrase, filler)
                if words:
                    phrases[words] = (kind, lang)  # type: ignore[assignment]
    laugh = re.compile("(?:" + "|".join(data["laugh"]["patterns"]) + ")")
    yes = frozenset(_words(p, frozenset()) for p in data["confirm"]["yes"])
    no = frozenset(_words(p, frozenset()) for p in data["confirm"]["no"])
    return _Phrasebook(filler=filler, phrases=phrases, laugh=laugh, yes=yes, no=no)


def match_smalltalk(text: str) -> SmallTalk | None:
    """The small talk `text` is, or None when it asks for anything else."""
    if len(text) > MAX_CHARS:
        return None
    book = _phrasebook()
    words = _words(text, book.filler)
    if not words:
        return None
    found = book.phrases.get(words)
    if found is not None:
        return SmallTalk(kind=found[0], lang=found[1])
    if all(book.laugh.fullmatch(word) for word in words.split()):
        return SmallTalk(kind="laugh", lang=None)
    return None


def match_confirmation(text: str) -> bool | None:
    """True for a yes ("yes", "sí", "vale"), False for a no ("no", "nope", "mejor no"), else None."""
    if len(text) > MAX_CHARS:
        return None
    book = _phrasebook()
    words = _words(text, frozenset())
    if words in book.yes:
        return True
    if words in book.no:
        return False
    return None
