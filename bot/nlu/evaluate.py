"""Score the local parser on labelled utterances: precision when it answers, coverage of control commands.

Usage: python -m bot.nlu.evaluate [PATH ...]   (default: ../shared/data/utterances/*.jsonl, if present)

Each JSONL line holds "text" and either an "intent" with "slots" (Home Assistant / Snips style) or an
"expected" list of action dicts (null = the parser must not answer). Scoring, per utterance:
- control intents (next, previous, pause, unpause, set volume): the action list must equal the expected one;
- play intents (HassMediaSearchAndPlay, PlayMusic): one play/queue_add whose query contains every labelled
  search_query/track/artist/album/playlist/genre text and no labelled service or location; answering an
  utterance with none of those labels (only a decade, a service...) is wrong;
- AddToPlaylist: one add_to_playlist with exactly the labelled playlist name, a query containing the labelled
  item (entity_name/track/artist/album), or no query when no item is labelled (the current track);
- "expected": the dumped actions must be equal; play-like actions are judged as above with `query_contains`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.nlu.actions import action_dump
from bot.nlu.numbers import parse_number
from bot.nlu.plan import Plan
from bot.nlu.rules import parse_local

Parser = Callable[[str], Plan | None]

CONTROL_INTENTS: dict[str, dict[str, Any]] = {
    "HassMediaNext": {"action": "skip", "count": 1},
    "HassMediaPrevious": {"action": "previous"},
    "HassMediaPause": {"action": "pause"},
    "HassMediaUnpause": {"action": "resume"},
}
PLAY_INTENTS = frozenset({"HassMediaSearchAndPlay", "PlayMusic"})
# Voice-assistant corpora (SLURP, HWU64, MASSIVE, Fina): judged on the first action, as LABELS.md describes.
BROAD_PLAY = frozenset({"play", "skip", "shuffle", "previous", "resume", "queue_add"})
FIRST_ACTION_INTENTS: dict[str, frozenset[str]] = {
    "pause_music": frozenset({"pause"}),
    "stop_music": frozenset({"pause"}),
    "next_track": frozenset({"skip"}),
    "audio_volume_mute": frozenset({"volume", "pause"}),
    "music_query": frozenset({"now_playing", "reply", "search"}),
    "music_likeness": frozenset({"like"}),
}
VOLUME_UP_INTENTS = frozenset({"audio_volume_up", "music_volume_up", "increase_volume"})
VOLUME_DOWN_INTENTS = frozenset({"audio_volume_down", "music_volume_down", "decrease_volume"})
_BROAD_QUERY_SLOTS = ("artist_name", "song_name", "playlist_name", "album_name", "music_genre")
SCORED_INTENTS = (
    frozenset(CONTROL_INTENTS)
    | PLAY_INTENTS
    | frozenset({"AddToPlaylist", "HassSetVolume", "play_music"})
    | frozenset(FIRST_ACTION_INTENTS)
    | VOLUME_UP_INTENTS
    | VOLUME_DOWN_INTENTS
)
PLAYLIST_INTENTS = frozenset({"AddToPlaylist"})
REQUEST_ACTIONS = frozenset({"play", "queue_add", "search", "add_to_playlist"})
_QUERY_SLOTS = ("search_query", "track", "artist", "album", "playlist", "genre")
_ITEM_SLOTS = ("entity_name", "track", "artist", "album")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Utterance:
    text: str
    intent: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    expected: list[dict[str, Any]] | None = None
    has_expected: bool = False
    query_contains: tuple[str, ...] = ()
    lang: str = "en"
    source: str = ""

    @property
    def is_scored(self) -> bool:
        """Counts towards coverage: a positive example with a label this evaluation knows how to judge."""
        if self.has_expected:
            return bool(self.expected)
        return self.intent in SCORED_INTENTS

    @property
    def is_control(self) -> bool:
        """A command that is neither a play/search/add-to-playlist request nor a negative."""
        if self.has_expected:
            return bool(self.expected) and not any(
                a.get("action") in REQUEST_ACTIONS for a in self.expected or []
            )
        return (
            self.intent in CONTROL_INTENTS
            or self.intent == "HassSetVolume"
            or self.intent in VOLUME_UP_INTENTS
            or self.intent in VOLUME_DOWN_INTENTS
            or self.intent in ("pause_music", "stop_music", "next_track", "audio_volume_mute")
        )


@dataclass
class Report:
    name: str
    total: int = 0
    answered: int = 0
    correct: int = 0
    control_total: int = 0
    control_answered: int = 0
    control_correct: int = 0
    negatives: int = 0
    negatives_answered: int = 0
    scored: int = 0
    scored_correct: int = 0
    wrong: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.answered if self.answered else 1.0

    @property
    def coverage(self) -> float:
        """Right answers / utterances with a judged label (negatives and unscored labels excluded)."""
        return self.scored_correct / self.scored if self.scored else 1.0

    @property
    def wrong_count(self) -> int:
        return self.answered - self.correct

    @property
    def control_coverage(self) -> float:
        return self.control_answered / self.control_total if self.control_total else 1.0

    @property
    def control_correct_rate(self) -> float:
        return self.control_correct / self.control_total if self.control_total else 1.0

    def line(self) -> str:
        return (
            f"{self.name}: n={self.total} answered={self.answered} precision={self.precision:.3f} "
            f"coverage={self.coverage:.3f} ({self.scored_correct}/{self.scored}) wrong={self.wrong_count} "
            f"control_coverage={self.control_coverage:.3f} ({self.control_answered}/{self.control_total}, "
            f"correct {self.control_correct}) negatives_answered={self.negatives_answered}/{self.negatives}"
        )


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (for containment checks)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + _NON_ALNUM.sub(" ", stripped).strip() + " "


def _contains(haystack: str, needle: str) -> bool:
    needle_n = normalise(needle)
    return needle_n.strip() != "" and needle_n in normalise(haystack)


def _slot_values(slots: dict[str, Any], keys: Iterable[str]) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = slots.get(key)
        if isinstance(value, str) and value.strip():
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, str) and v.strip())
    return out


def _judge_play(actions: list[dict[str, Any]], utt: Utterance) -> bool:
    if len(actions) != 1 or actions[0].get("action") not in ("play", "queue_add"):
        return False
    query = str(actions[0].get("query") or "")
    wanted = list(utt.query_contains) or _slot_values(utt.slots, _QUERY_SLOTS)
    if not query.strip() or not wanted:
        return False
    if not all(_contains(query, w) for w in wanted):
        return False
    unwanted = [
        v
        for v in _slot_values(utt.slots, ("service", "area", "name"))
        if not any(_contains(w, v) for w in wanted)
    ]
    return not any(_contains(query, v) for v in unwanted)


_PLAYLIST_NOISE = re.compile(r"^ (?:the|my) | playlist $")


def _playlist_name(name: str) -> str:
    """A playlist name for comparison: "The Chill Playlist" and "chill" are the same playlist."""
    return _PLAYLIST_NOISE.sub(" ", normalise(name)).strip()


def _judge_add_to_playlist(actions: list[dict[str, Any]], utt: Utterance) -> bool:
    if len(actions) != 1 or actions[0].get("action") != "add_to_playlist":
        return False
    playlist = str(actions[0].get("playlist") or "")
    labelled = _slot_values(utt.slots, ("playlist",))
    if not labelled or _playlist_name(playlist) != _playlist_name(labelled[0]):
        return False
    items = _slot_values(utt.slots, _ITEM_SLOTS)
    query = actions[0].get("query")
    if not items:
        return query is None
    return isinstance(query, str) and all(_contains(query, item) for item in items)


def _judge_broad_play(actions: list[dict[str, Any]], utt: Utterance) -> bool:
    """SLURP/HWU64/MASSIVE `play_music` (a broad label); Fina's is a play request."""
    first = actions[0]
    fina = "Fina" in utt.source
    if first.get("action") not in ({"play"} if fina else BROAD_PLAY):
        return False
    if first.get("action") not in ("play", "queue_add"):
        return True
    wanted = [_BROAD_NOISE.sub(" ", normalise(w)) for w in _slot_values(utt.slots, _BROAD_QUERY_SLOTS)]
    return all(_contains(str(first.get("query") or ""), w) for w in wanted if w.strip())


_BROAD_NOISE = re.compile(r"^ (?:my|the|some) | (?:playlist|music|songs|song|list) $")
_TO_LEVEL = re.compile(r"^to (.+?)(?: percent| per cent|%)?$")


def _absolute_level(utt: Utterance) -> int | None:
    """ "increase the volume to fifty" is labelled volume-up with change_amount "to fifty": level 50 is right."""
    amount = utt.slots.get("change_amount")
    m = _TO_LEVEL.match(amount.strip().casefold()) if isinstance(amount, str) else None
    return parse_number(m.group(1)) if m else None


def _judge_first_action(actions: list[dict[str, Any]], utt: Utterance) -> bool:
    first = actions[0]
    name = first.get("action")
    intent = utt.intent or ""
    if (
        name == "volume"
        and first.get("level") is not None
        and (intent in VOLUME_UP_INTENTS or intent in VOLUME_DOWN_INTENTS)
    ):
        return first.get("level") == _absolute_level(utt)
    if intent in VOLUME_UP_INTENTS:
        return name == "volume" and int(first.get("delta") or 0) > 0
    if intent in VOLUME_DOWN_INTENTS:
        return name == "volume" and int(first.get("delta") or 0) < 0
    if intent == "audio_volume_mute" and name == "volume":
        return first.get("level") == 0
    if intent == "play_music":
        return _judge_broad_play(actions, utt)
    return name in FIRST_ACTION_INTENTS.get(intent, frozenset())


_FREE_FIELDS = frozenset({"kind", "count"})  # left out of an expected action: any value is right


def _judge_expected(actions: list[dict[str, Any]], utt: Utterance) -> bool:
    """Equal action lists, where "*" in an expected field means any value and a request's query must contain
    every `query_contains` text (the repository's chat sets are written this way)."""
    expected = utt.expected or []
    if len(actions) != len(expected):
        return False
    for got, want in zip(actions, expected, strict=True):
        for key in set(got) | set(want):
            if key not in want:
                if key in _FREE_FIELDS and "*" in want.values():
                    continue
                return False
            if want[key] == "*":
                if not got.get(key):
                    return False
            elif got.get(key) != want[key]:
                return False
        wanted = utt.query_contains if want.get("query") == "*" else ()
        if not all(_contains(str(got.get("query")), w) for w in wanted):
            return False
    return True


def judge(utt: Utterance, plan: Plan | None) -> bool | None:
    """True/False for a right/wrong answer, None when the parser did not answer."""
    if plan is None or not plan.actions:
        return None
    actions = [action_dump(a) for a in plan.actions]
    if utt.has_expected:
        if utt.expected is None:
            return False
        if (
            utt.query_contains
            and len(utt.expected) == 1
            and utt.expected[0].get("action") in ("play", "queue_add")
            and utt.expected[0].get("query") != "*"
        ):
            return _judge_play(actions, utt) and actions[0]["action"] == utt.expected[0]["action"]
        return _judge_expected(actions, utt)
    if utt.intent in CONTROL_INTENTS:
        return actions == [CONTROL_INTENTS[utt.intent]]
    if utt.intent == "HassSetVolume":
        return actions == [{"action": "volume", "level": int(utt.slots.get("volume_level", -1))}]
    if utt.intent in PLAY_INTENTS:
        return _judge_play(actions, utt)
    if utt.intent in PLAYLIST_INTENTS:
        return _judge_add_to_playlist(actions, utt)
    if utt.intent in SCORED_INTENTS:
        return _judge_first_action(actions, utt)
    return None  # a label this evaluation does not score: any answer (or none) is fine


def load_utterances(path: Path) -> list[Utterance]:
    out: list[Utterance] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            out.append(
                Utterance(
                    text=str(row["text"]),
                    intent=row.get("intent"),
                    slots=dict(row.get("slots") or {}),
                    expected=row.get("expected"),
                    has_expected="expected" in row,
                    query_contains=tuple(row.get("query_contains") or ()),
                    lang=str(row.get("lang") or "en"),
                    source=str(row.get("source") or ""),
                )
            )
    return out


def evaluate(utterances: Sequence[Utterance], name: str = "cases", parser: Parser = parse_local) -> Report:
    report = Report(name=name)
    for utt in utterances:
        report.total += 1
        verdict = judge(utt, parser(utt.text))
        negative = utt.has_expected and utt.expected is None
        report.scored += utt.is_scored
        report.scored_correct += utt.is_scored and verdict is True
        report.negatives += negative
        if verdict is not None:
            report.answered += 1
            report.correct += verdict
            report.negatives_answered += negative
            if not verdict:
                plan = parser(utt.text)
                got = [action_dump(a) for a in plan.actions] if plan else None
                report.wrong.append((utt.text, json.dumps(got, ensure_ascii=False)))
        if utt.is_control:
            report.control_total += 1
            report.control_answered += verdict is not None
            report.control_correct += verdict is True
    return report


REPO_SETS = Path(__file__).resolve().parents[2] / "tests" / "nlu" / "chat"
SHARED_SETS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "utterances"


def default_paths() -> list[Path]:
    """The repository's own chat sets, then the shared development files (top level and external/) if present."""
    paths = sorted(REPO_SETS.glob("*.jsonl")) if REPO_SETS.is_dir() else []
    if SHARED_SETS.is_dir():
        paths += sorted(SHARED_SETS.glob("*.jsonl")) + sorted(SHARED_SETS.glob("external/*.jsonl"))
    return paths


def by_language(utterances: Sequence[Utterance], name: str, parser: Parser = parse_local) -> list[Report]:
    """One report per language found in `utterances` (a single language gives a single report)."""
    langs = sorted({u.lang for u in utterances})
    return [
        evaluate([u for u in utterances if u.lang == lang], name=f"{name}[{lang}]", parser=parser)
        for lang in langs
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.nlu.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--show-wrong", type=int, default=10, help="print up to N wrong answers per file")
    args = ap.parse_args(argv)
    paths = list(args.paths) or default_paths()
    if not paths:
        print("no utterance files given and ../shared/data/utterances not found", file=sys.stderr)
        return 2
    for path in paths:
        utterances = load_utterances(path)
        report = evaluate(utterances, name=path.name)
        print(report.line())
        parts = by_language(utterances, path.name)
        if len(parts) > 1:
            for part in parts:
                print("  " + part.line())
        for text, got in report.wrong[: args.show_wrong]:
            print(f"  wrong: {text!r} -> {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
