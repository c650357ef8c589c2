"""Seed data for the demo catalog, read once from `catalog.json` (real artists, albums and titles).

Track lines read "Name|m:ss|flags|Featured Artist,Other". Flags: '+' a hit (more popular), '-' a deep cut,
'E' explicit lyrics. Playlist tracks are [title, artist] pairs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class AlbumSeed:
    name: str
    date: str
    tracks: tuple[str, ...]
    kind: str = "album"
    label: str = ""


@dataclass(frozen=True, slots=True)
class ArtistSeed:
    name: str
    genres: tuple[str, ...]
    popularity: int
    albums: tuple[AlbumSeed, ...]


@dataclass(frozen=True, slots=True)
class PlaylistSeed:
    name: str
    description: str
    tracks: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Seeds:
    artists: tuple[ArtistSeed, ...]
    playlists: tuple[PlaylistSeed, ...]


def _album(raw: dict[str, Any]) -> AlbumSeed:
    return AlbumSeed(
        name=raw["name"],
        date=raw["date"],
        tracks=tuple(raw["tracks"]),
        kind=raw.get("kind", "album"),
        label=raw.get("label", ""),
    )


def parse_seeds(raw: dict[str, Any]) -> Seeds:
    """Seeds from the JSON document's shape (see the module docstring)."""
    artists = tuple(
        ArtistSeed(
            a["name"], tuple(a["genres"]), int(a["popularity"]), tuple(_album(al) for al in a["albums"])
        )
        for a in raw["artists"]
    )
    playlists = tuple(
        PlaylistSeed(p["name"], p["description"], tuple((str(t), str(ar)) for t, ar in p["tracks"]))
        for p in raw["playlists"]
    )
    return Seeds(artists, playlists)


@cache
def load_seeds() -> Seeds:
    """The packaged catalog seeds (parsed on first use, then shared: they are immutable)."""
    text = resources.files("bot.demo").joinpath("catalog.json").read_text(encoding="utf-8")
    return parse_seeds(json.loads(text))
