"""A believable listening history for a fake user: top artists and tracks, past plays and saved tracks.

Built from a few favourite artists: the rest of the top list comes from catalog artists that share their genres,
the top tracks are those artists' best-known songs, the past plays are sessions over the last days drawn mostly
from the top tracks, and the library holds each favourite's two biggest songs. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.demo.catalog import Artist, Catalog

TIME_RANGES = ("short_term", "medium_term", "long_term")
TOP_ARTISTS = 8
TOP_TRACKS_PER_ARTIST = 4
PAST_PLAYS = 40
SAVED_PER_FAVOURITE = 2

# The demo accounts' tastes (the terminal demo user and the users tests link as "listener").
DEMO_TASTES: dict[str, tuple[str, ...]] = {
    "demo": ("Daft Punk", "The Weeknd", "Dua Lipa"),
    "listener": ("Soda Stereo", "Maná", "Los Fabulosos Cadillacs"),
}


@dataclass(slots=True)
class Listening:
    """What Spotify knows of a user's listening, per time range, plus plays before the fake started."""

    favourites: tuple[str, ...]
    top_artists: dict[str, list[str]] = field(default_factory=dict)  # time_range -> artist ids, best first
    top_tracks: dict[str, list[str]] = field(default_factory=dict)  # time_range -> track ids, best first
    past_plays: list[tuple[str, float]] = field(
        default_factory=list
    )  # (track uri, unix seconds), oldest first
    saved: list[str] = field(default_factory=list)  # track uris, saved before the fake started


def genre_closeness(a: Artist, b: Artist) -> float:
    """Shared genres count fully, shared genre words (e.g. 'rock' in 'rock argentino') a little."""
    exact = len(set(a.genres) & set(b.genres))
    words_a = {w for g in a.genres for w in g.split()}
    words_b = {w for g in b.genres for w in g.split()}
    return exact + 0.25 * len(words_a & words_b)


def neighbours(catalog: Catalog, favourites: list[Artist]) -> list[Artist]:
    """Other artists with genres, closest to the favourites first (ties: more popular first)."""
    chosen = {a.id for a in favourites}
    scored = [
        (sum(genre_closeness(f, other) for f in favourites), other.popularity, other.name, other)
        for other in catalog.artists.values()
        if other.id not in chosen and other.genres
    ]
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return [s[3] for s in scored if s[0] > 0]


def build_listening(
    catalog: Catalog, favourites: tuple[str, ...], *, seed: str, now_unix: float
) -> Listening:
    """The listening history of someone whose favourite artists are `favourites` (catalog names)."""
    rng = random.Random(f"listening:{seed}")
    favs = [catalog.artist_by_name(name) for name in favourites]
    close = neighbours(catalog, favs)
    medium = [*favs, *close][:TOP_ARTISTS]
    # Lately the listener leans on a neighbour more; over a year, the favourites dominate.
    short = [medium[0], *(close[1:2]), *[a for a in medium[1:] if a not in close[1:2]]][:TOP_ARTISTS]
    long = [*favs, *close[:TOP_ARTISTS]][:TOP_ARTISTS]
    listening = Listening(favourites=tuple(favourites))
    for time_range, artists in zip(TIME_RANGES, (short, medium, long), strict=True):
        listening.top_artists[time_range] = [a.id for a in artists]
        listening.top_tracks[time_range] = _interleaved_tracks(catalog, artists)
    pool = listening.top_tracks["short_term"]
    weights = [1.0 / (1 + i // len(short)) for i in range(len(pool))]
    t = now_unix - 3 * 24 * 3600
    for _ in range(PAST_PLAYS):
        track_id = rng.choices(pool, weights)[0]
        listening.past_plays.append((f"spotify:track:{track_id}", t))
        gap = catalog.tracks[track_id].duration_ms / 1000 + rng.uniform(5, 40)
        if rng.random() < 0.12:  # a new listening session, hours later
            gap += rng.uniform(3, 14) * 3600
        t = min(t + gap, now_unix - 600)
    for fav in favs:
        listening.saved += [f"spotify:track:{tid}" for tid in fav.track_ids[:SAVED_PER_FAVOURITE]]
    return listening


def _interleaved_tracks(catalog: Catalog, artists: list[Artist]) -> list[str]:
    """Each artist's most popular songs, taken in turns (first songs of every artist, then second...)."""
    out: list[str] = []
    for rank in range(TOP_TRACKS_PER_ARTIST):
        for artist in artists:
            own = [t for t in artist.track_ids if catalog.tracks[t].artist_ids[0] == artist.id]
            if rank < len(own) and own[rank] not in out:
                out.append(own[rank])
    return out
