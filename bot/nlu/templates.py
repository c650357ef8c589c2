"""Sentence templates kept as data (bot/nlu/grammar/<lang>.yaml), compiled into anchored regexes at start-up.

A template is a whole message, Home Assistant style:

    "[<please>] (turn|crank) (it|<the_volume>) up [a bit]"

- `(a|b|)` alternatives (an empty branch makes the group optional), `[x]` optional, `<name>` a fragment from the
  file's `fragments:` (fragments may use other fragments), `{slot}` a captured span, `{slot:<name>}` a span
  that must be one of the fragment's phrases;
- every template is wrapped in the languages' `prefix` and `suffix` fragments ("hey bot", "please", "thanks"),
  so the intent files only state the command itself;
- matching runs on the message folded to lower case without accents or punctuation ("¿Qué SUENA?" ->
  "que suena"); captured text is cut from the original message, so queries keep the user's spelling.

An intent lists its templates and the action it builds, e.g. `{action: volume, delta: "-{n}"}`; slot values
are typed by the slot's name (see SLOT_PATTERNS) and the action is validated by the pydantic schema, so a
template can never produce an action the bot does not know. A template matches the whole message or nothing:
anything unusual falls through to the LLM.

Adding a language = adding one data file (its prefix/suffix fragments and its intents).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.nlu.actions import ACTION_ADAPTER, Action
from bot.nlu.numbers import parse_duration, parse_number

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "grammar"
LANGUAGES: tuple[str, ...] = ("en", "es")
MAX_WORDS = 40  # longer messages are conversations: the LLM reads them
MAX_SUFFIX_WORDS = 6

# What each kind of slot may capture (on the folded text, every word followed by one space).
_WORDS = r"(?:[^ ]+ ){1,16}?"
SLOT_PATTERNS: dict[str, str] = {
    "n": r"(?:[^ ]+ ){1,5}?",  # read by parse_number: "50", "fifty", "twenty one", "cincuenta y cinco"
    "minute": r"(?:[^ ]+ ){1,3}?",
    "time": r"(?:(?:\d{1,2}:)?\d{1,3}:[0-5]\d |(?:[^ ]+ ){1,6}?)",
    "query": _WORDS,
    "artist": _WORDS,
    "genre": r"(?:[^ ]+ ){1,4}?",  # a genre the rules know ("jazz", "hip hop", "reggaeton")
    "mood": r"(?:[^ ]+ ){1,3}?",  # used as {mood:<moods>}: one of the language's mood words
    "decade": r"(?:[^ ]+ ){1,2}?",  # used as {decade:<decades>}: "80s", "nineties", "los 80"
    "device": r"(?:[^ ]+ ){1,6}?",
    "speaker": r"(?:[^ ]+ ){1,6}?",
    "playlist": r"(?:[^ ]+ ){1,8}?",
    "prompt": r"(?:[^ ]+ ){1,30}?",  # what to recommend: must name something musical (see the finisher)
    "like": r"(?:[^ ]+ ){1,12}?",
    "vibe": r"(?:[^ ]+ ){1,12}?",  # DJ mode's vibe: "chill for the evening", "tranquilo"  # "something like {like}": any name
}
INT_SLOTS = frozenset({"n", "minute"})
SCALE = {"minute": 60}
DURATION_SLOTS = frozenset({"time"})

# A text slot value is checked (and may be rewritten) by a finisher: it returns the placeholder values to use
# (e.g. {"query": "Get Lucky", "kind": "track"}) or None to reject the match.
Finisher = Callable[[str, str, str], Mapping[str, str] | None]  # (slot, original text, folded text)


def _identity(slot: str, original: str, folded: str) -> Mapping[str, str] | None:
    return {slot: original} if original else None


# ---------------------------------------------------------------------------------------------------------
# Folding: text -> words separated by single spaces, with a map back to the original characters
# ---------------------------------------------------------------------------------------------------------

_ACCENTS = str.maketrans("áéíóúüàèìòùâêîôûäëïöçñãõåý’´`", "aeiouuaeiouaeiouaeiocnaoay'''")
_WORD_RE = re.compile(r"[^\W_]+(?:[':][^\W_]+)*|%")
_STRETCH_RE = re.compile(r"([^\W\d_])\1{2,}")
_PLAIN_RE = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")  # plain words, one space between: folded as they are
_PLAIN_STRETCH_RE = re.compile(r"([a-z])\1\1")  # _STRETCH_RE for plain text (quicker)


def fold(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased, accents and punctuation removed, each word followed by one space.

    Returns the folded string and, for each of its characters, the index of the original character (-1 for
    the separating spaces). Apostrophes vanish ("what's" -> "whats"), ":" stays inside a word ("1:30"),
    "%" becomes the word "percent", and three or more of one letter become one ("pleaseee" -> "please").
    """
    low = text.lower()
    if len(low) != len(text):  # "İ" and friends lower to two characters: fold one by one
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    low = low.translate(_ACCENTS)
    if not low.isascii():
        low = "".join(
            c if c.isascii() else (unicodedata.normalize("NFKD", c)[0].lower() if c.isalpha() else " ")
            for c in low
        )
    if _PLAIN_RE.fullmatch(low) is not None and _PLAIN_STRETCH_RE.search(low) is None:
        plain = list(range(len(low) + 1))  # most messages: every character maps to itself, spaces to -1
        plain[-1] = -1
        space = low.find(" ")
        while space >= 0:
            plain[space] = -1
            space = low.find(" ", space + 1)
        return low + " ", plain
    where: list[int] = []
    if "'" not in low and "%" not in low and _STRETCH_RE.search(low) is None:
        # The common case: every word as it is (a letter run lies inside one word, so one search covers all).
        words = _WORD_RE.findall(low)
        for m in _WORD_RE.finditer(low):
            where.extend(range(*m.span()))
            where.append(-1)
        return (" ".join(words) + " " if words else ""), where
    out: list[str] = []
    for m in _WORD_RE.finditer(low):
        word = m.group()
        first = m.start()
        if word == "%":
            out.append("percent ")
            where.extend([first] * 7 + [-1])
            continue
        if "'" in word:
            idx = [first + k for k, c in enumerate(word) if c != "'"]
            word = word.replace("'", "")
        else:
            idx = list(range(first, m.end()))
        if _STRETCH_RE.search(word):
            keep = [k for k in range(len(word)) if not _repeat_in_run(word, k)]
            word = "".join(word[k] for k in keep)
            idx = [idx[k] for k in keep]
        out.append(word + " ")
        where.extend(idx)
        where.append(-1)
    return "".join(out), where


def _repeat_in_run(word: str, k: int) -> bool:
    """word[k] repeats the letter before it inside a run of three or more (it folds into the run's first)."""
    c = word[k]
    if k == 0 or word[k - 1] != c or not c.isalpha():
        return False
    lo, hi = k, k
    while lo > 0 and word[lo - 1] == c:
        lo -= 1
    while hi + 1 < len(word) and word[hi + 1] == c:
        hi += 1
    return hi - lo + 1 >= 3


def fold_text(text: str) -> str:
    """The folded form alone (for data files and tests)."""
    return fold(text)[0].strip()


@cache
def _folded_word(token: str) -> str:
    """fold_text of a template's word (the same few thousand words recur across templates at start-up)."""
    return fold_text(token)


def _span_text(original: str, where: list[int], start: int, end: int) -> str:
    """The original text behind folded[start:end], from its first to its last mapped character."""
    while start < end and where[start] < 0:
        start += 1
    while end > start and where[end - 1] < 0:
        end -= 1
    if start >= end:
        return ""
    return original[where[start] : where[end - 1] + 1].strip(" ,.;:!?¡¿\"'")


# ---------------------------------------------------------------------------------------------------------
# Template syntax -> regex
# ---------------------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\s*(\(|\)|\[|\]|\||<[a-z0-9_]+>|\{[a-z0-9_]+(?::<[a-z0-9_]+>)?\}|[^\s()\[\]|<>{}]+)")


class TemplateError(ValueError):
    """A malformed template or fragment in a data file."""


# What can start a piece of template: a set of first words (None = any word, a slot) and whether it can be empty.
First = tuple[frozenset[str] | None, bool]


def _first_of_seq(items: list[First]) -> First:
    words: set[str] = set()
    for first, nullable in items:
        if first is None:
            return None, False
        words |= first
        if not nullable:
            return frozenset(words), False
    return frozenset(words), True


# Words a match must contain: each set is one requirement (one of its words appears somewhere in the match).
Need = tuple[frozenset[str], ...]


def _pick(need: Need) -> frozenset[str] | None:
    """The requirement likely to rule out most messages (few words, and few short ones: "a", "the", "el" are
    in most messages), None when there is none."""
    return min(need, key=lambda words: sum(5 if len(w) <= 3 else 1 for w in words)) if need else None


def _need_of_alt(branches: list[Need]) -> Need:
    """Every branch must meet one of its requirements: one requirement made of each branch's pick."""
    if len(branches) == 1:
        return branches[0]
    if not all(branches):
        return ()
    return (frozenset().union(*(_pick(b) or () for b in branches)),)


def _first_of_alt(branches: list[First]) -> First:
    words: set[str] = set()
    nullable = False
    for first, empty in branches:
        if first is None:
            return None, any(e for _, e in branches)
        words |= first
        nullable = nullable or empty
    return frozenset(words), nullable


@dataclass
class _Compiler:
    """Template text -> regex, plus the set of words a match can start with (to skip intents quickly)."""

    fragments: Mapping[str, str]
    slot_counter: int = 0
    slot_names: dict[str, str] = field(default_factory=dict)  # regex group -> slot name
    _fragment_cache: dict[str, tuple[str, First, Need]] = field(default_factory=dict)
    _stack: list[str] = field(default_factory=list)

    def compile(self, template: str) -> tuple[str, First]:
        regex, first, _ = self.compile_with_need(template)
        return regex, first

    def compile_with_need(self, template: str) -> tuple[str, First, Need]:
        """The regex, its first words, and the words any match must contain."""
        tokens = [m.group(1) for m in _TOKEN_RE.finditer(template)]
        if "".join(tokens).replace(" ", "") != template.replace(" ", "").replace("\t", ""):
            raise TemplateError(f"cannot read template {template!r}")
        pos, out, first, need = self._alternatives(tokens, 0, template)
        if pos != len(tokens):
            raise TemplateError(f"unbalanced brackets in {template!r}")
        return out, first, need

    def _alternatives(self, tokens: list[str], pos: int, src: str) -> tuple[int, str, First, Need]:
        branches: list[str] = []
        firsts: list[First] = []
        needs: list[Need] = []
        current: list[str] = []
        seq: list[First] = []
        need: list[frozenset[str]] = []
        while pos < len(tokens):
            tok = tokens[pos]
            if tok in (")", "]"):
                break
            if tok == "|":
                branches.append("".join(current))
                firsts.append(_first_of_seq(seq))
                needs.append(tuple(need))
                current, seq, need = [], [], []
                pos += 1
                continue
            if tok in ("(", "["):
                close = ")" if tok == "(" else "]"
                pos, inner, first, inner_need = self._alternatives(tokens, pos + 1, src)
                if pos >= len(tokens) or tokens[pos] != close:
                    raise TemplateError(f"unbalanced {tok!r} in {src!r}")
                current.append(f"(?:{inner})" + ("?" if tok == "[" else ""))
                seq.append((first[0], first[1] or tok == "["))
                if tok == "(":
                    need.extend(inner_need)
                pos += 1
                continue
            if tok.startswith("<"):
                regex, first, fragment_need = self._fragment(tok[1:-1])
                current.append(regex)
                seq.append(first)
                need.extend(fragment_need)
            elif tok.startswith("{"):
                regex, first, slot_need = self._slot(tok[1:-1], src)
                current.append(regex)
                seq.append(first)
                need.extend(slot_need)
            else:
                word = _folded_word(tok)
                if not word:
                    raise TemplateError(f"{tok!r} is not a word (punctuation is folded away) in {src!r}")
                current.append(re.escape(word).replace("\\ ", " ") + " ")
                seq.append((frozenset({word.split(" ")[0]}), False))
                need.extend(frozenset({w}) for w in word.split(" "))
            pos += 1
        branches.append("".join(current))
        firsts.append(_first_of_seq(seq))
        needs.append(tuple(need))
        regex = branches[0] if len(branches) == 1 else "|".join(branches)
        return pos, regex, _first_of_alt(firsts), _need_of_alt(needs)

    def _fragment(self, name: str) -> tuple[str, First, Need]:
        if name in self._fragment_cache:
            return self._fragment_cache[name]
        if name not in self.fragments:
            raise TemplateError(f"unknown fragment <{name}>")
        if name in self._stack:
            raise TemplateError(f"fragment <{name}> refers to itself")
        self._stack.append(name)
        body = self.fragments[name]
        tokens = [m.group(1) for m in _TOKEN_RE.finditer(body)]
        pos, inner, first, need = self._alternatives(tokens, 0, body)
        if pos != len(tokens):
            raise TemplateError(f"unbalanced brackets in fragment <{name}>")
        self._stack.pop()
        if "(?P<" in inner:
            raise TemplateError(f"fragment <{name}> may not capture slots")
        compiled = (f"(?:{inner})", first, need)
        self._fragment_cache[name] = compiled
        return compiled

    def _slot(self, spec: str, src: str) -> tuple[str, First, Need]:
        """{name} captures what SLOT_PATTERNS allows; {name:<fragment>} captures only the fragment's phrases."""
        name, _, fragment = spec.partition(":")
        if name not in SLOT_PATTERNS:
            raise TemplateError(f"unknown slot {{{name}}} in {src!r}")
        if fragment:
            pattern, first, need = self._fragment(fragment[1:-1])
        else:
            pattern, first, need = SLOT_PATTERNS[name], (None, False), ()
        self.slot_counter += 1
        group = f"s{self.slot_counter}"
        self.slot_names[group] = name
        return f"(?P<{group}>{pattern})", first, need


# ---------------------------------------------------------------------------------------------------------
# Intents
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intent:
    name: str
    lang: str
    pattern: re.Pattern[str]
    slot_names: Mapping[str, str]
    action: Mapping[str, Any]  # values may hold "{slot}" placeholders
    require_track: bool = False  # only when something is known to be playing
    request: bool = False  # a play/queue request whose query is free text
    first_words: frozenset[str] | None = None  # the words a match can start with (None: any)
    needs: frozenset[str] | None = None  # a match contains one of these words (None: nothing known)
    # Each template alone: when the first matching template's slots are refused ("{n} louder" reading "make
    # this a bit" as a number), the later templates still get their turn.
    templates: tuple[str, ...] = ()  # regex sources, compiled the first time they are needed
    template_firsts: tuple[frozenset[str] | None, ...] = ()  # each template's first words (None: any)
    _compiled: dict[int, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)
    # An action without placeholders ({action: pause}) is validated once: actions are immutable.
    _fixed: list[Action | None] = field(default_factory=list, compare=False, repr=False)

    def build(
        self,
        original: str,
        folded: str,
        where: list[int],
        finish: Finisher,
        cores: list[tuple[int, int, str]],
    ) -> Action | None:
        """The action of the first core (start, end, its first word) this intent's templates match, if any."""
        first_words = self.first_words
        pattern = self.pattern
        for start, end, word in cores:
            if first_words is not None and word not in first_words:
                continue
            m = pattern.fullmatch(folded, start, end)
            if m is None:
                continue
            action = self._action(m, original, where, finish)
            if action is not None:
                return action
            for k in range(len(self.templates)):
                firsts = self.template_firsts[k] if self.template_firsts else None
                if firsts is not None and word not in firsts:
                    continue
                alone = self._template(k).fullmatch(folded, start, end)
                if alone is not None and (action := self._action(alone, original, where, finish)) is not None:
                    return action
        return None

    def _template(self, k: int) -> re.Pattern[str]:
        pattern = self._compiled.get(k)
        if pattern is None:
            pattern = self._compiled[k] = re.compile(self.templates[k])
        return pattern

    def _action(self, m: re.Match[str], original: str, where: list[int], finish: Finisher) -> Action | None:
        values: dict[str, str] = {}
        for group, raw in m.groupdict().items():
            if raw is None:
                continue
            slot = self.slot_names[group]
            start, end = m.span(group)
            if slot in INT_SLOTS:
                number = parse_number(raw.strip())
                if number is None:
                    return None
                values[slot] = str(number * SCALE.get(slot, 1))
            elif slot in DURATION_SLOTS:
                seconds = parse_duration(raw.strip())
                if seconds is None:
                    return None
                values[slot] = str(seconds)
            else:
                finished = finish(slot, _span_text(original, where, start, end), raw.strip())
                if not finished:
                    return None
                values.update(finished)
        if self._fixed:
            return self._fixed[0]
        values.setdefault("kind", "any")
        values["_text"] = _span_text(original, where, m.start(), m.end())  # the message without its wrappers
        try:
            data = {key: _fill(value, values) for key, value in self.action.items()}
            action: Action | None = ACTION_ADAPTER.validate_python(data)
        except (ValidationError, KeyError, ValueError):
            action = None
        if not any(isinstance(value, str) and "{" in value for value in self.action.values()):
            self._fixed.append(action)
        return action


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _fill(value: Any, values: Mapping[str, str]) -> Any:
    if not isinstance(value, str) or "{" not in value:
        return value
    whole = _PLACEHOLDER.fullmatch(value)
    if whole is not None and whole.group(1) in INT_SLOTS | DURATION_SLOTS:
        return int(values[whole.group(1)])
    text = _PLACEHOLDER.sub(lambda m: values[m.group(1)], value)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return text


@dataclass(frozen=True)
class Grammar:
    """Every language's intents, in file order (earlier intents win), and the phrases that must go to the LLM."""

    intents: tuple[Intent, ...]
    decline: re.Pattern[str] | None  # anywhere in the message
    decline_start: re.Pattern[str] | None  # at the start of the message, once polite openers are peeled off
    prefix: re.Pattern[str]  # one polite opener ("hey", "can you please", "oye", "me puedes")
    suffix: re.Pattern[str]  # any number of closers ("please", "thanks", "por favor", "ya")
    suffix_first: frozenset[str] | None = None  # the words a closer can start with (None: any)
    # Which intents can start with a word (their positions in `intents`), and those that can start with any
    # word (a template opening with a slot): a message only tries the intents its first words can start.
    by_first: Mapping[str, frozenset[int]] = field(init=False, repr=False, compare=False)
    any_first: frozenset[int] = field(init=False, repr=False, compare=False)
    # The last message's cores: `declines()` and `match()` on the same text read its wrappers once.
    _last_cores: list[tuple[str, list[tuple[int, int]]]] = field(
        default_factory=lambda: [("", [])], repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[str, set[int]] = {}
        anywhere: set[int] = set()
        for k, intent in enumerate(self.intents):
            if intent.first_words is None:
                anywhere.add(k)
                continue
            for word in intent.first_words:
                index.setdefault(word, set()).add(k)
        object.__setattr__(self, "by_first", {word: frozenset(ks) for word, ks in index.items()})
        object.__setattr__(self, "any_first", frozenset(anywhere))

    def match(
        self,
        text: str,
        finish: Finisher = _identity,
        *,
        has_track: bool = True,
        requests: bool = True,
        check_declines: bool = True,
        folded: tuple[str, list[int]] | None = None,
    ) -> Action | None:
        """The first intent matching the whole of `text`; `requests=False` skips play/queue requests.

        `check_declines=False` when the caller has already asked `declines()` about the same text; `folded`:
        `fold(text)` when the caller has it already.
        """
        folded_text, where = fold(text) if folded is None else folded
        if not folded_text or folded_text.count(" ") > MAX_WORDS:
            return None
        cores = self.cores(folded_text)
        if check_declines and self._declines(folded_text, cores):
            return None
        memo: dict[tuple[str, str], Mapping[str, str] | None] = {}

        def finish_once(slot: str, original: str, folded_slot: str) -> Mapping[str, str] | None:
            key = (slot, original)
            if key not in memo:
                memo[key] = finish(slot, original, folded_slot)
            return memo[key]

        core_words = [(start, end, folded_text[start : folded_text.find(" ", start)]) for start, end in cores]
        candidates = set(self.any_first)
        by_first = self.by_first
        for _, _, word in core_words:
            candidates.update(by_first.get(word, ()))
        intents = self.intents
        words = set(folded_text.split(" "))
        for k in sorted(candidates):
            intent = intents[k]
            if (intent.require_track and not has_track) or (intent.request and not requests):
                continue
            if intent.needs is not None and intent.needs.isdisjoint(words):
                continue
            action = intent.build(text, folded_text, where, finish_once, core_words)
            if action is not None:
                return action
        return None

    def cores(self, folded: str) -> list[tuple[int, int]]:
        """(start, end) of the message without its polite wrappers, most stripped first, the whole text last.

        "hey bot can you please play X thanks" -> "X thanks" without the openers and "thanks", then with more
        of them kept: every template is tried on each, so wrappers never need writing out, and a query does
        not swallow a "please" when it can do without it. (The list is shared: do not change it.)
        """
        last_text, last_cores = self._last_cores[0]
        if last_text == folded and folded:
            return last_cores
        cores = self._cores(folded)
        self._last_cores[0] = (folded, cores)
        return cores

    def _cores(self, folded: str) -> list[tuple[int, int]]:
        starts = [0]
        pos = 0
        while (m := self.prefix.match(folded, pos)) is not None and m.end() > pos:
            pos = m.end()
            starts.append(pos)
        ends = [len(folded)]
        first = self.suffix_first
        space = folded.rfind(" ", 0, len(folded) - 1)
        for _ in range(MAX_SUFFIX_WORDS):  # the last few words, from the end
            if space < 0:
                break
            p = space + 1
            if (first is None or folded[p : folded.find(" ", p)] in first) and self.suffix.fullmatch(
                folded, p
            ) is not None:
                ends.append(p)
            space = folded.rfind(" ", 0, space)
        return [(s, e) for s in reversed(starts) for e in sorted(ends) if s < e]

    def declines(self, folded: str) -> bool:
        return self._declines(folded, None)

    def _declines(self, folded: str, cores: list[tuple[int, int]] | None) -> bool:
        if self.decline is not None and self.decline.fullmatch(folded) is not None:
            return True
        if self.decline_start is None:
            return False
        if cores is None:
            cores = self.cores(folded)
        return any(self.decline_start.match(folded, start) is not None for start, _ in cores)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def load_grammar(paths: Iterable[Path] | None = None) -> Grammar:
    """Read and compile the language files (all of them share prefix/suffix fragments)."""
    files = list(paths) if paths is not None else [DATA_DIR / f"{lang}.yaml" for lang in LANGUAGES]
    docs: list[tuple[str, dict[str, Any]]] = []
    for path in files:
        with path.open(encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if not isinstance(doc, dict):
            raise TemplateError(f"{path.name}: expected a mapping")
        docs.append((path.stem, doc))
    prefixes = [p for _, d in docs for p in _as_list((d.get("fragments") or {}).get("prefix"))]
    suffixes = [s for _, d in docs for s in _as_list((d.get("fragments") or {}).get("suffix"))]
    intents: list[Intent] = []
    declines: list[str] = []
    declines_start: list[str] = []
    prefix_re = suffix_re = "(?!)"
    suffix_first: frozenset[str] | None = frozenset()
    for lang, doc in docs:
        fragments = {k: " | ".join(_as_list(v)) for k, v in (doc.get("fragments") or {}).items()}
        fragments["prefix"] = " | ".join(f"({p})" for p in prefixes) or "x"
        fragments["suffix"] = " | ".join(f"({s})" for s in suffixes) or "x"
        compiler = _Compiler(fragments)
        if prefixes:
            prefix_re = compiler._fragment("prefix")[0]
        if suffixes:
            suffix_re, (suffix_words, suffix_empty), _ = compiler._fragment("suffix")
            suffix_re = f"(?:{suffix_re})*"
            suffix_first = None if suffix_empty else suffix_words
        for entry in doc.get("intents") or []:
            with_needs = [compiler.compile_with_need(t) for t in _as_list(entry.get("templates"))]
            compiled = [(regex, first) for regex, first, _ in with_needs]
            body = "|".join(f"(?:{regex})" for regex, _ in compiled)
            first, nullable = _first_of_alt([f for _, f in compiled])
            intents.append(
                Intent(
                    name=str(entry["name"]),
                    lang=lang,
                    pattern=re.compile(body),
                    slot_names=dict(compiler.slot_names),
                    action=dict(entry["action"]),
                    require_track=bool(entry.get("require_track", False)),
                    request=bool(entry.get("request", False)),
                    first_words=None if nullable else first,
                    needs=_pick(_need_of_alt([need for _, _, need in with_needs])) if with_needs else None,
                    templates=tuple(regex for regex, _ in compiled) if len(compiled) > 1 else (),
                    template_firsts=tuple(None if empty else words for _, (words, empty) in compiled)
                    if len(compiled) > 1
                    else (),
                )
            )
        for t in _as_list(doc.get("decline")):
            declines.append(f"(?:{compiler.compile(t)[0]})")
        for t in _as_list(doc.get("decline_start")):
            declines_start.append(f"(?:{compiler.compile(t)[0]})")
    decline = re.compile(f"(?:[^ ]+ )*?(?:{'|'.join(declines)})(?:[^ ]+ )*") if declines else None
    log.debug("compiled %d intents from %d files", len(intents), len(files))
    decline_start = re.compile("|".join(declines_start)) if declines_start else None
    return Grammar(
        intents=tuple(intents),
        decline=decline,
        decline_start=decline_start,
        prefix=re.compile(prefix_re),
        suffix=re.compile(suffix_re),
        suffix_first=suffix_first,
    )


@cache
def grammar() -> Grammar:
    """The bundled grammar, compiled once per process."""
    return load_grammar()
