"""Catalog resolution: a free-text request -> the best Spotify item of the requested kind, through search."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz

from bot.nlu.actions import Kind, SearchKind
from bot.spotify.client import SpotifyApi
from bot.spotify.errors import NothingFound
from bot.spotify.outcome import TrackInfo

log = logging.getLogger(__name__)

ItemKind = Literal["track", "artist", "album", "playlist"]

SEARCH_LIMIT = 10  # the 2026 Web API maximum
MY_PLAYLISTS_LIMIT = 50
MY_PLAYLIST_CUTOFF = 85.0
SUGGESTION_CUTOFF = 70.0

_BY = re.compile(r"^(?P<title>.+?)\s+(?:by|de)\s+(?P<artist>.+)$", re.IGNORECASE)
_DASH = re.compile(r"^(?P<title>.+?)\s+[-–—]\s+(?P<artist>.+)$")
_URI = re.compile(r"^spotify:(?P<kind>track|artist|album|playlist):(?P<id>[0-9A-Za-z]{1,64})$")
_URL = re.compile(
    r"^https?://open\.spotify\.com/(?:intl-[\w-]+/)?(?P<kind>track|artist|album|playlist)/(?P<id>[0-9A-Za-z]{1,64})"
)


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces (for comparisons)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


def split_title_artist(query: str) -> tuple[str, str | None]:
    """'Song by Artist' / 'Canción de Artista' / 'Song - Artist' -> (title, artist); otherwise (query, None)."""
    text = query.strip()
    for pattern in (_BY, _DASH):
        match = pattern.match(text)
        if match:
            return match["title"].strip(), match["artist"].strip()
    return text, None


def parse_spotify_link(text: str) -> tuple[ItemKind, str] | None:
    """(kind, id) for a Spotify URI or open.spotify.com link, else None."""
    candidate = text.strip()
    match = _URI.match(candidate) or _URL.match(candidate)
    if match is None:
        return None
    kind: ItemKind = match["kind"]  # type: ignore[assignment]
    return kind, match["id"]


def _images_url(obj: Mapping[str, Any]) -> str | None:
    images = obj.get("images") or []
    for image in images:
        if isinstance(image, Mapping) and image.get("url"):
            return str(image["url"])
    return None


def track_info(obj: Mapping[str, Any]) -> TrackInfo:
    """A TrackInfo from a Web API track (or episode) object."""
    album = obj.get("album") or {}
    artists = tuple(str(a.get("name", "")) for a in obj.get("artists") or [] if isinstance(a, Mapping))
    if not artists and isinstance(obj.get("show"), Mapping):
        artists = (str(obj["show"].get("name", "")),)
    return TrackInfo(
        uri=str(obj.get("uri", "")),
        name=str(obj.get("name") or "?"),
        artists=artists,
        album=(album.get("name") if isinstance(album, Mapping) else None) or None,
        art_url=_images_url(album) if isinstance(album, Mapping) else _images_url(obj),
        duration_ms=int(obj.get("duration_ms") or 0),
    )


def item_info(kind: ItemKind, obj: Mapping[str, Any]) -> TrackInfo:
    """A TrackInfo describing any catalog item (artist, album or playlist shown by name)."""
    if kind == "track":
        return track_info(obj)
    if kind == "album":
        artists = tuple(str(a.get("name", "")) for a in obj.get("artists") or [] if isinstance(a, Mapping))
        return TrackInfo(
            uri=str(obj.get("uri", "")),
            name=str(obj.get("name") or "?"),
            artists=artists,
            album=str(obj.get("name") or "") or None,
            art_url=_images_url(obj),
        )
    if kind == "playlist":
        owner = obj.get("owner") or {}
        by = owner.get("display_name") or owner.get("id") if isinstance(owner, Mapping) else None
        return TrackInfo(
            uri=str(obj.get("uri", "")),
            name=str(obj.get("name") or "?"),
            artists=(str(by),) if by else (),
            art_url=_images_url(obj),
        )
    return TrackInfo(uri=str(obj.get("uri", "")), name=str(obj.get("name") or "?"), art_url=_images_url(obj))


def _items(result: Mapping[str, Any] | None, kind: ItemKind) -> list[Mapping[str, Any]]:
    """The non-null items of one kind from a search answer (playlist results may hold nulls)."""
    if not result:
        return []
    page = result.get(f"{kind}s") or {}
    return [item for item in page.get("items") or [] if isinstance(item, Mapping) and item.get("uri")]


def _artist_names(obj: Mapping[str, Any]) -> list[str]:
    return [str(a.get("name", "")) for a in obj.get("artists") or [] if isinstance(a, Mapping)]


def _rank_bonus(index: int) -> float:
    """Spotify's own order counts a little: earlier results win ties."""
    return -1.5 * index


def track_score(obj: Mapping[str, Any], title: str, artist: str | None) -> float:
    """How well a track object matches (title, artist), 0..100."""
    name = fold(str(obj.get("name", "")))
    names = [fold(n) for n in _artist_names(obj)]
    title_f = fold(title)
    if artist is None:
        whole = f"{name} {' '.join(names)}"
        return max(fuzz.WRatio(title_f, name), fuzz.token_set_ratio(title_f, whole))
    artist_f = fold(artist)
    title_score = max(fuzz.ratio(title_f, name), fuzz.partial_ratio(title_f, name) - 5)
    artist_score = max((fuzz.WRatio(artist_f, n) for n in names), default=0.0)
    return 0.6 * title_score + 0.4 * artist_score


def best_track(
    items: Iterable[Mapping[str, Any]], title: str, artist: str | None, whole: str | None = None
) -> Mapping[str, Any] | None:
    """The best-matching track; `whole` (the unsplit request) is scored too, in case the split was wrong."""

    def score(obj: Mapping[str, Any]) -> float:
        split = track_score(obj, title, artist)
        return max(split, track_score(obj, whole, None)) if whole else split

    scored = [(score(obj) + _rank_bonus(i), obj) for i, obj in enumerate(items)]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def name_score(obj: Mapping[str, Any], name: str, artist: str | None = None) -> float:
    """How well an artist/album/playlist matches by name (and album artist when given)."""
    score = float(fuzz.WRatio(fold(name), fold(str(obj.get("name", "")))))
    if artist is not None:
        artist_score = max((fuzz.WRatio(fold(artist), fold(n)) for n in _artist_names(obj)), default=0.0)
        score = 0.6 * score + 0.4 * artist_score
    return score


def best_named(
    items: Iterable[Mapping[str, Any]], name: str, artist: str | None = None
) -> Mapping[str, Any] | None:
    scored = [(name_score(obj, name, artist) + _rank_bonus(i), obj) for i, obj in enumerate(items)]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def exact_name(items: Iterable[Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    """The first item whose folded name equals `name` folded."""
    wanted = fold(name)
    return next((obj for obj in items if fold(str(obj.get("name", ""))) == wanted), None)


@dataclass(frozen=True, slots=True)
class Resolved:
    """What to play: a track (uris=[uri]) or a context (artist, album, playlist)."""

    kind: ItemKind
    uri: str
    info: TrackInfo

    @property
    def is_context(self) -> bool:
        return self.kind != "track"


class Resolver:
    """Turns free text into Spotify items with as few searches as possible (limit <= 10)."""

    def __init__(self, api: SpotifyApi) -> None:
        self._api = api

    async def _search(self, query: str, types: str, limit: int) -> Mapping[str, Any] | None:
        limit = max(1, min(limit, SEARCH_LIMIT))
        result: Mapping[str, Any] | None = await self._api.call(
            "search", self._api.sp.search, q=query[:200], limit=limit, type=types, idempotent=True
        )
        return result

    async def search(self, query: str, kind: SearchKind = "track", limit: int = 5) -> list[TrackInfo]:
        """Plain search results of one kind, as TrackInfo (for autocomplete and the search action)."""
        if not query.strip():
            return []
        result = await self._search(query, kind, limit)
        return [item_info(kind, obj) for obj in _items(result, kind)]

    async def resolve(self, query: str, kind: Kind = "any") -> Resolved:
        """The best item for `query`; raises NothingFound."""
        link = parse_spotify_link(query)
        if link is not None:
            return await self._by_link(*link)
        found: Resolved | None
        if kind == "track":
            found = await self._track(query)
        elif kind == "artist":
            found = await self._artist(query)
        elif kind == "album":
            found = await self._album(query)
        elif kind == "playlist":
            found = await self._playlist(query)
        elif kind == "genre":
            found = await self._genre(query)
        else:
            found = await self._any(query)
        if found is None and kind == "artist":
            found = await self._any(query)  # the parser's guess of "artist" may be a title
        if found is None:
            raise NothingFound(query=query)
        return found

    async def resolve_track(self, query: str) -> Resolved:
        """A single track (queueing, saving and playlists take tracks only); raises NothingFound."""
        link = parse_spotify_link(query)
        if link is not None and link[0] == "track":
            return await self._by_link(*link)
        found = await self._track(query)
        if found is None:
            raise NothingFound(query=query)
        return found

    async def suggestion(self, title: str, artist: str) -> TrackInfo | None:
        """The catalog track for an LLM suggestion, or None when nothing matches closely enough."""
        result = await self._search(f"{title} {artist}", "track", 5)
        items = _items(result, "track")
        best = best_track(items, title, artist)
        if best is None:
            return None
        title_ok = fuzz.partial_ratio(fold(title), fold(str(best.get("name", "")))) >= SUGGESTION_CUTOFF
        artist_ok = any(fuzz.WRatio(fold(artist), fold(n)) >= SUGGESTION_CUTOFF for n in _artist_names(best))
        return track_info(best) if title_ok and artist_ok else None

    async def my_playlists(self) -> list[Mapping[str, Any]]:
        """The current user's playlists (first page: GET /me/playlists)."""
        result = await self._api.call(
            "playlists.mine", self._api.sp.current_user_playlists, limit=MY_PLAYLISTS_LIMIT, idempotent=True
        )
        return [p for p in (result or {}).get("items") or [] if isinstance(p, Mapping) and p.get("id")]

    async def _track(self, query: str) -> Resolved | None:
        title, artist = split_title_artist(query)
        text = f"{title} {artist}" if artist else title
        items = _items(await self._search(text, "track", SEARCH_LIMIT if artist else 5), "track")
        if not items and artist:  # "by"/"de" may have been part of the title
            items = _items(await self._search(query, "track", 5), "track")
        best = best_track(items, title, artist, whole=query if artist else None)
        return Resolved("track", str(best["uri"]), track_info(best)) if best else None

    async def _artist(self, query: str) -> Resolved | None:
        best = best_named(_items(await self._search(query, "artist", 5), "artist"), query)
        return Resolved("artist", str(best["uri"]), item_info("artist", best)) if best else None

    async def _album(self, query: str) -> Resolved | None:
        name, artist = split_title_artist(query)
        text = f"{name} {artist}" if artist else name
        best = best_named(_items(await self._search(text, "album", 5), "album"), name, artist)
        return Resolved("album", str(best["uri"]), item_info("album", best)) if best else None

    async def _playlist(self, query: str) -> Resolved | None:
        mine = await self.my_playlists()
        own = best_named(mine, query)
        if own is not None and name_score(own, query) >= MY_PLAYLIST_CUTOFF:
            return Resolved("playlist", str(own["uri"]), item_info("playlist", own))
        best = best_named(_items(await self._search(query, "playlist", 5), "playlist"), query)
        return Resolved("playlist", str(best["uri"]), item_info("playlist", best)) if best else None

    async def _genre(self, query: str) -> Resolved | None:
        playlists = _items(await self._search(query, "playlist", 5), "playlist")
        if playlists:
            first = playlists[0]
            return Resolved("playlist", str(first["uri"]), item_info("playlist", first))
        return await self._track(query)

    async def _any(self, query: str) -> Resolved | None:
        if split_title_artist(query)[1] is not None:
            return await self._track(query)
        result = await self._search(query, "track,artist", 5)
        artist_obj = exact_name(_items(result, "artist"), query)
        if artist_obj is not None:
            return Resolved("artist", str(artist_obj["uri"]), item_info("artist", artist_obj))
        best = best_track(_items(result, "track"), query, None)
        return Resolved("track", str(best["uri"]), track_info(best)) if best else None

    async def _by_link(self, kind: ItemKind, item_id: str) -> Resolved:
        fetch = {
            "track": self._api.sp.track,
            "artist": self._api.sp.artist,
            "album": self._api.sp.album,
            "playlist": self._api.sp.playlist,
        }[kind]
        obj = await self._api.call(f"{kind}.get", fetch, item_id, idempotent=True)
        if not obj:
            raise NothingFound(query=f"spotify:{kind}:{item_id}")
        return Resolved(kind, str(obj.get("uri") or f"spotify:{kind}:{item_id}"), item_info(kind, obj))
