"""Search over the demo catalog: field filters (artist:, track:, album:, year:, genre:), accent- and
case-insensitive matching, prefix and typo tolerance, ranking by name match then popularity."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.demo.catalog import Catalog, Playlist, fold

# Words that may be left unmatched: "one more time by daft punk", "canción de shakira".
OPTIONAL_WORDS = frozenset(
    [
        "by",
        "de",
        "del",
        "la",
        "el",
        "los",
        "las",
        "the",
        "of",
        "a",
        "an",
        "feat",
        "ft",
        "featuring",
        "and",
        "y",
        "con",
        "song",
        "cancion",
        "tema",
        "track",
        "album",
        "disco",
        "from",
        "por",
    ]
)
FILTER_RX = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)')
KNOWN_FILTERS = frozenset({"artist", "track", "album", "year", "genre", "isrc", "upc", "tag"})


@dataclass(slots=True)
class Query:
    words: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def parse_query(q: str) -> Query:
    out = Query()

    def take(m: re.Match[str]) -> str:
        key = (m.group(1) or m.group(3)).lower()
        value = m.group(2) if m.group(1) else m.group(4)
        if key not in KNOWN_FILTERS:
            return m.group(0)
        out.filters[key] = value
        return " "

    rest = FILTER_RX.sub(take, q)
    out.words = fold(rest).split()
    return out


class _WordIndex:
    """Maps a query word to catalog words: exact, prefix (last word / 3+ letters), or close spelling."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.sorted = sorted(set(vocabulary))
        self.vocab = frozenset(self.sorted)
        self._cache: dict[tuple[str, bool], frozenset[str]] = {}

    def expand(self, word: str, prefix: bool) -> frozenset[str]:
        key = (word, prefix)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        out = {word} if word in self.vocab else set()
        if prefix and len(word) >= 2:
            i = bisect.bisect_left(self.sorted, word)
            while i < len(self.sorted) and self.sorted[i].startswith(word):
                out.add(self.sorted[i])
                i += 1
        if not out and len(word) >= 4:
            for match, _score, _ in process.extract(
                word, self.sorted, scorer=fuzz.ratio, score_cutoff=80, limit=3
            ):
                out.add(match)
        result = frozenset(out)
        if len(self._cache) < 50_000:
            self._cache[key] = result
        return result


def _year_ok(year: int, spec: str) -> bool:
    try:
        if "-" in spec:
            lo, hi = spec.split("-", 1)
            return int(lo) <= year <= int(hi)
        return year == int(spec)
    except ValueError:
        return True


def _words_in(filter_value: str, words: frozenset[str]) -> bool:
    wanted = fold(filter_value).split()
    return all(w in words for w in wanted)


class SearchIndex:
    """Precomputed posting lists for tracks, artists, albums and editorial playlists."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.track_postings: dict[str, set[str]] = {}
        for t in catalog.tracks.values():
            for w in t.all_words:
                self.track_postings.setdefault(w, set()).add(t.id)
        self.artist_words = {a.id: frozenset(a.folded.split()) for a in catalog.artists.values()}
        self.album_words = {
            al.id: frozenset(al.folded.split())
            | frozenset(w for a in al.artist_ids for w in self.artist_words[a])
            for al in catalog.albums.values()
        }
        self.album_genres = {
            al.id: frozenset(fold(g) for a in al.artist_ids for g in catalog.artists[a].genres)
            for al in catalog.albums.values()
        }
        vocab: set[str] = set(self.track_postings)
        for ws in self.album_words.values():
            vocab |= ws
        for pl in catalog.playlists.values():
            vocab |= set(pl.folded.split())
        self.words = _WordIndex(vocab)

    # -- helpers ---------------------------------------------------------------------------------------
    def _required(self, q: Query) -> list[tuple[str, frozenset[str]]]:
        """(query word, acceptable catalog words) for each word that must match."""
        words = q.words
        required = [w for w in words if w not in OPTIONAL_WORDS] or list(words)
        out = []
        for i, w in enumerate(required):
            last = i == len(required) - 1
            out.append((w, self.words.expand(w, prefix=last or len(w) >= 3)))
        return out

    @staticmethod
    def _name_score(
        folded_name: str, q: Query, name_words: frozenset[str], required: list[tuple[str, frozenset[str]]]
    ) -> float:
        text = q.text
        score = 0.0
        if text and folded_name == text:
            score += 1000
        elif text and folded_name.startswith(text):
            score += 600
        elif text and text in folded_name:
            score += 300
        if required:
            hits = sum(1 for w, ok in required if w in name_words or ok & name_words)
            score += 300 * hits / len(required)
        return score

    # -- per type --------------------------------------------------------------------------------------
    def tracks(self, q: Query) -> list[str]:
        cat = self.catalog
        required = self._required(q)
        if required:
            candidates: set[str] | None = None
            for _w, ok in required:
                ids: set[str] = set()
                for word in ok:
                    ids |= self.track_postings.get(word, set())
                candidates = ids if candidates is None else candidates & ids
                if not candidates:
                    return []
            pool: Iterable[str] = candidates or ()
        else:
            pool = cat.tracks.keys()
        f = q.filters
        scored: list[tuple[float, str]] = []
        for tid in pool:
            t = cat.tracks[tid]
            if "artist" in f and not _words_in(f["artist"], t.artist_words):
                continue
            if "track" in f and not _words_in(f["track"], t.words):
                continue
            if "album" in f and not _words_in(f["album"], t.album_words):
                continue
            if "year" in f and not _year_ok(t.year, f["year"]):
                continue
            if "genre" in f and fold(f["genre"]) not in t.genres:
                continue
            if "isrc" in f and f["isrc"].upper() != t.isrc:
                continue
            score = self._name_score(t.folded, q, t.words, required)
            if required:
                score += 120 * sum(1 for w, ok in required if ok & t.artist_words) / len(required)
            if "track" in f and t.folded == fold(f["track"]):
                score += 1000
            scored.append((score + 1.5 * t.popularity, tid))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [tid for _, tid in scored]

    def artists(self, q: Query) -> list[str]:
        required = self._required(q)
        f = q.filters
        scored: list[tuple[float, str]] = []
        for aid, words in self.artist_words.items():
            a = self.catalog.artists[aid]
            if required and not all(ok & words for _w, ok in required):
                continue
            if "artist" in f and not _words_in(f["artist"], words):
                continue
            if "genre" in f and fold(f["genre"]) not in {fold(g) for g in a.genres}:
                continue
            if not required and not f:
                continue
            score = self._name_score(a.folded, q, words, required)
            if "artist" in f and a.folded == fold(f["artist"]):
                score += 1000
            scored.append((score + 1.5 * a.popularity, aid))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [aid for _, aid in scored]

    def albums(self, q: Query) -> list[str]:
        required = self._required(q)
        f = q.filters
        scored: list[tuple[float, str]] = []
        for alid, words in self.album_words.items():
            al = self.catalog.albums[alid]
            if required and not all(ok & words for _w, ok in required):
                continue
            if "album" in f and not _words_in(f["album"], frozenset(al.folded.split())):
                continue
            if "artist" in f and not _words_in(f["artist"], words):
                continue
            if "year" in f and not _year_ok(al.year, f["year"]):
                continue
            if "genre" in f and fold(f["genre"]) not in self.album_genres[alid]:
                continue
            if not required and not f:
                continue
            score = self._name_score(al.folded, q, frozenset(al.folded.split()), required)
            if "album" in f and al.folded == fold(f["album"]):
                score += 1000
            scored.append((score + 1.5 * al.popularity, alid))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [alid for _, alid in scored]

    def playlists(self, q: Query, extra: Iterable[Playlist] = ()) -> list[Playlist]:
        required = self._required(q)
        scored: list[tuple[float, str, Playlist]] = []
        for pl in [*self.catalog.playlists.values(), *extra]:
            words = frozenset(pl.folded.split()) | frozenset(fold(pl.description).split())
            if not required or not all(ok & words for _w, ok in required):
                continue
            score = self._name_score(pl.folded, q, frozenset(pl.folded.split()), required)
            scored.append((score, pl.id, pl))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [pl for _, _, pl in scored]
