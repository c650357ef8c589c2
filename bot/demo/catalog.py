"""A small, deterministic music catalog (real artists and titles) for the fake Spotify Web API.

Ids are 22-character base62 strings derived from a hash of the item's name, so they are stable across runs.
Popularity and genres are kept here for ranking and filtering; the server decides which fields to expose.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from bot.demo.catalog_data import Seeds, load_seeds

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def spotify_id(kind: str, key: str) -> str:
    """A deterministic 22-character base62 id for (kind, key)."""
    n = int.from_bytes(hashlib.sha256(f"{kind}:{key}".encode()).digest()[:17], "big")
    out = []
    for _ in range(22):
        n, r = divmod(n, 62)
        out.append(_BASE62[r])
    return "".join(out)


def is_base62_id(value: str) -> bool:
    return len(value) == 22 and all(c in _BASE62 for c in value)


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    chars = []
    for c in decomposed:
        if unicodedata.combining(c):
            continue
        chars.append(c if c.isalnum() else " ")
    return " ".join("".join(chars).split())


def _image_hash(kind: str, key: str) -> str:
    return hashlib.sha1(f"img:{kind}:{key}".encode()).hexdigest()[:24]


def images(kind: str, key: str) -> list[dict[str, object]]:
    """Three https image objects, widest first, like Spotify's CDN."""
    h = _image_hash(kind, key)
    return [
        {"url": f"https://i.scdn.co/image/ab67616d0000b273{h}", "height": 640, "width": 640},
        {"url": f"https://i.scdn.co/image/ab67616d00001e02{h}", "height": 300, "width": 300},
        {"url": f"https://i.scdn.co/image/ab67616d00004851{h}", "height": 64, "width": 64},
    ]


@dataclass(slots=True)
class Artist:
    id: str
    name: str
    genres: tuple[str, ...]
    popularity: int
    followers: int
    folded: str = ""
    album_ids: list[str] = field(default_factory=list)
    track_ids: list[str] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return f"spotify:artist:{self.id}"


@dataclass(slots=True)
class Album:
    id: str
    name: str
    album_type: str
    release_date: str
    artist_ids: tuple[str, ...]
    label: str
    popularity: int
    folded: str = ""
    track_ids: list[str] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return f"spotify:album:{self.id}"

    @property
    def year(self) -> int:
        return int(self.release_date[:4])


@dataclass(slots=True)
class Track:
    id: str
    name: str
    album_id: str
    artist_ids: tuple[str, ...]
    duration_ms: int
    track_number: int
    explicit: bool
    popularity: int
    isrc: str
    folded: str = ""
    words: frozenset[str] = frozenset()
    all_words: frozenset[str] = frozenset()
    artist_words: frozenset[str] = frozenset()
    album_words: frozenset[str] = frozenset()
    year: int = 0
    genres: frozenset[str] = frozenset()

    @property
    def uri(self) -> str:
        return f"spotify:track:{self.id}"


@dataclass(slots=True)
class Playlist:
    id: str
    name: str
    description: str
    owner_id: str
    owner_name: str
    public: bool
    collaborative: bool
    track_uris: list[str]
    added_at: list[str]
    version: int = 1
    folded: str = ""

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.id}"

    @property
    def snapshot_id(self) -> str:
        return hashlib.sha1(f"{self.id}:{self.version}:{len(self.track_uris)}".encode()).hexdigest()[:32]


def _duration_ms(text: str, key: str) -> int:
    minutes, seconds = text.split(":")
    jitter = int(hashlib.sha1(key.encode()).hexdigest()[:3], 16) % 1000
    return (int(minutes) * 60 + int(seconds)) * 1000 + jitter


class Catalog:
    """All artists, albums, tracks and editorial playlists, with folded text precomputed for search."""

    def __init__(self, seeds: Seeds | None = None) -> None:
        self._seeds = seeds or load_seeds()
        self.artists: dict[str, Artist] = {}
        self.albums: dict[str, Album] = {}
        self.tracks: dict[str, Track] = {}
        self.playlists: dict[str, Playlist] = {}
        self._artist_by_name: dict[str, Artist] = {}
        self._build()

    def _artist(self, name: str, genres: tuple[str, ...] = (), popularity: int = 60) -> Artist:
        found = self._artist_by_name.get(name)
        if found is not None:
            if genres and not found.genres:  # first seen as a featured artist, now with its own albums
                found.genres = genres
                found.popularity = popularity
            return found
        artist_id = spotify_id("artist", name)
        h = int(hashlib.sha1(name.encode()).hexdigest()[:6], 16)
        artist = Artist(
            id=artist_id,
            name=name,
            genres=genres,
            popularity=popularity,
            followers=popularity * popularity * 1000 + h % 100000,
            folded=fold(name),
        )
        self.artists[artist_id] = artist
        self._artist_by_name[name] = artist
        return artist

    def _build(self) -> None:
        for seed in self._seeds.artists:
            main = self._artist(seed.name, seed.genres, seed.popularity)
            for album_seed in seed.albums:
                key = f"{seed.name}/{album_seed.name}"
                album = Album(
                    id=spotify_id("album", key),
                    name=album_seed.name,
                    album_type=album_seed.kind,
                    release_date=album_seed.date,
                    artist_ids=(main.id,),
                    label=album_seed.label or f"{seed.name} Records",
                    popularity=max(5, seed.popularity - 8),
                    folded=fold(album_seed.name),
                )
                self.albums[album.id] = album
                main.album_ids.append(album.id)
                for number, line in enumerate(album_seed.tracks, start=1):
                    self._add_track(line, number, album, main, seed.popularity, seed.genres)
        for artist in self.artists.values():
            artist.track_ids.sort(key=lambda tid: -self.tracks[tid].popularity)
        for pl in self._seeds.playlists:
            uris = [self.track_by_title(title, artist).uri for title, artist in pl.tracks]
            playlist = Playlist(
                id=spotify_id("playlist", pl.name),
                name=pl.name,
                description=pl.description,
                owner_id="spotify",
                owner_name="Spotify",
                public=True,
                collaborative=False,
                track_uris=uris,
                added_at=["2025-11-14T09:00:00Z"] * len(uris),
                folded=fold(pl.name),
            )
            self.playlists[playlist.id] = playlist

    def _add_track(
        self, line: str, number: int, album: Album, main: Artist, base_pop: int, genres: tuple[str, ...]
    ) -> None:
        # "Name|m:ss|flags|Featured Artist,Other Artist"  flags: '+' hit, '-' deep cut, 'E' explicit
        parts = line.split("|")
        name, length = parts[0], parts[1]
        flags = parts[2] if len(parts) > 2 else ""
        featured = [p.strip() for p in parts[3].split(",")] if len(parts) > 3 and parts[3] else []
        key = f"{main.name}/{album.name}/{name}"
        track_id = spotify_id("track", key)
        h = int(hashlib.sha1(key.encode()).hexdigest()[:4], 16)
        popularity = base_pop - 12 - h % 10
        popularity += 14 * flags.count("+") - 10 * flags.count("-")
        popularity = max(1, min(100, popularity))
        artists = [main, *(self._artist(f, (), max(40, base_pop - 15)) for f in featured)]
        album_artist_words = frozenset(fold(" ".join(a.name for a in artists)).split())
        track = Track(
            id=track_id,
            name=name,
            album_id=album.id,
            artist_ids=tuple(a.id for a in artists),
            duration_ms=_duration_ms(length, key),
            track_number=number,
            explicit="E" in flags,
            popularity=popularity,
            isrc=f"US{hashlib.sha1(key.encode()).hexdigest()[:3].upper()}{album.release_date[2:4]}{h % 100000:05d}",
            folded=fold(name),
            artist_words=album_artist_words,
            album_words=frozenset(album.folded.split()),
            year=album.year,
            genres=frozenset(fold(g) for g in genres),
        )
        track.words = frozenset(track.folded.split())
        track.all_words = track.words | track.artist_words | track.album_words
        self.tracks[track_id] = track
        album.track_ids.append(track_id)
        for a in artists:
            a.track_ids.append(track_id)

    def track_by_title(self, title: str, artist: str) -> Track:
        """The catalog track with this exact title by this artist (for curated playlists and tests)."""
        a = self._artist_by_name[artist]
        for tid in a.track_ids:
            if self.tracks[tid].name == title:
                return self.tracks[tid]
        raise KeyError(f"{title} by {artist}")

    def artist_by_name(self, name: str) -> Artist:
        return self._artist_by_name[name]

    def album_by_name(self, name: str, artist: str) -> Album:
        a = self._artist_by_name[artist]
        for aid in a.album_ids:
            if self.albums[aid].name == name:
                return self.albums[aid]
        raise KeyError(f"{name} by {artist}")

    def context_tracks(
        self, uri: str, extra_playlists: dict[str, Playlist] | None = None
    ) -> list[str] | None:
        """Track uris of an album, artist or playlist context, or None when it does not exist."""
        kind, _, item_id = uri.removeprefix("spotify:").partition(":")
        if kind == "album" and item_id in self.albums:
            return [f"spotify:track:{t}" for t in self.albums[item_id].track_ids]
        if kind == "artist" and item_id in self.artists:
            return [f"spotify:track:{t}" for t in self.artists[item_id].track_ids[:10]]
        if kind == "playlist":
            pl = (extra_playlists or {}).get(item_id) or self.playlists.get(item_id)
            return list(pl.track_uris) if pl is not None else None
        return None
