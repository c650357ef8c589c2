"""Plans the LLM made, reused for the same words in the same language without another model call.

Shared by every guild (one parser serves them all), bounded (least recently used first out) and with a TTL.
Only plans that cannot depend on the current track are kept: the prompt had no track, or nothing in the answer
repeats the track's words. Plans that carry a name the user chose (a new playlist) are not shared.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.nlu.actions import Action, action_dump
from bot.nlu.plan import Context, Lang

_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = " .,!¡?¿;:…\"'«»“”‘’"
_UNSHARED_ACTIONS = frozenset({"create_playlist"})


def cache_key(text: str, lang: Lang) -> str:
    """The same words, whatever their case, spacing, Unicode form or surrounding punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return f"{lang}|{_SPACE.sub(' ', folded).strip(_EDGE_PUNCT)}"


def depends_on_track(actions: Sequence[Action], ctx: Context) -> bool:
    """Whether the answer may have used the current track the prompt carried (its title or artist)."""
    if not ctx.current_track:
        return False
    dumped = " ".join(str(v) for a in actions for v in action_dump(a).values()).casefold()
    for part in re.split(r"\s+[—–-]\s+", ctx.current_track.casefold()):
        part = part.strip()
        if len(part) >= 3 and part in dumped:
            return True
    return False


@dataclass(frozen=True, slots=True)
class CachedPlan:
    actions: tuple[Action, ...]
    source: str
    stored_at: float


class PlanCache:
    """A bounded LRU with a TTL, counting hits and misses (for `bot parse` and the benchmarks)."""

    def __init__(
        self,
        max_entries: int = 2048,
        ttl_s: float = 6 * 3600.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max = max(0, max_entries)
        self._ttl = ttl_s
        self._clock = clock
        self._items: OrderedDict[str, CachedPlan] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self._max > 0 and self._ttl > 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> CachedPlan | None:
        if not self.enabled:
            return None
        entry = self._items.get(key)
        if entry is not None and self._clock() - entry.stored_at >= self._ttl:
            del self._items[key]
            entry = None
        if entry is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return entry

    def note_shared(self) -> None:
        """A lookup that missed was answered by an identical request already in flight: count it as a hit."""
        self.hits += 1
        self.misses = max(0, self.misses - 1)

    def put(self, key: str, actions: Sequence[Action], source: str, ctx: Context) -> bool:
        """Keep the plan unless it may depend on the current track or carries a user-chosen name."""
        if not self.enabled or depends_on_track(actions, ctx):
            return False
        if any(a.action in _UNSHARED_ACTIONS for a in actions):
            return False
        self._items[key] = CachedPlan(tuple(actions), source, self._clock())
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)
        return True

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "entries": len(self._items)}
