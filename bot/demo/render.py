"""Turn catalog entries into Web API JSON objects (TrackObject, AlbumObject, ArtistObject, PlaylistObject...).

Fields the 2026 spec marks deprecated (removed for development-mode apps: popularity, genres, followers,
available_markets on tracks, preview_url, user product/country/email) are left out unless
`include_deprecated` is set; fields the spec still requires (album genres/label/popularity) are always present.
"""

from __future__ import annotations

from typing import Any

from bot.demo.catalog import Album, Artist, Catalog, Playlist, Track, images

Json = dict[str, Any]

MARKETS = ["AR", "CL", "CO", "ES", "GB", "MX", "US"]


class Renderer:
    """Builds JSON objects whose hrefs point at this server's `api_base`."""

    def __init__(self, catalog: Catalog, api_base: str, *, include_deprecated: bool = False) -> None:
        self.catalog = catalog
        self.api_base = api_base.rstrip("/") + "/"
        self.include_deprecated = include_deprecated
        self._track_cache: dict[str, Json] = {}

    def href(self, kind: str, item_id: str) -> str:
        return f"{self.api_base}{kind}s/{item_id}"

    @staticmethod
    def external(kind: str, item_id: str) -> Json:
        return {"spotify": f"https://open.spotify.com/{kind}/{item_id}"}

    def simple_artist(self, artist: Artist) -> Json:
        return {
            "external_urls": self.external("artist", artist.id),
            "href": self.href("artist", artist.id),
            "id": artist.id,
            "name": artist.name,
            "type": "artist",
            "uri": artist.uri,
        }

    def artist(self, artist: Artist) -> Json:
        out = self.simple_artist(artist)
        out["images"] = images("artist", artist.name)
        if self.include_deprecated:
            out["followers"] = {"href": None, "total": artist.followers}
            out["genres"] = list(artist.genres)
            out["popularity"] = artist.popularity
        return out

    def simple_album(self, album: Album, *, group: bool = False) -> Json:
        out: Json = {
            "album_type": album.album_type,
            "total_tracks": len(album.track_ids),
            "available_markets": list(MARKETS),
            "external_urls": self.external("album", album.id),
            "href": self.href("album", album.id),
            "id": album.id,
            "images": images("album", album.id),
            "name": album.name,
            "release_date": album.release_date,
            "release_date_precision": "day" if len(album.release_date) == 10 else "year",
            "type": "album",
            "uri": album.uri,
            "artists": [self.simple_artist(self.catalog.artists[a]) for a in album.artist_ids],
        }
        if group:
            out["album_group"] = album.album_type
        return out

    def album(self, album: Album, *, limit: int = 50, offset: int = 0) -> Json:
        out = self.simple_album(album)
        out["tracks"] = self.paging(
            [self.simple_track(self.catalog.tracks[t]) for t in album.track_ids],
            f"{self.href('album', album.id)}/tracks",
            limit,
            offset,
        )
        out["copyrights"] = [
            {"text": f"© {album.year} {album.label}", "type": "C"},
            {"text": f"℗ {album.year} {album.label}", "type": "P"},
        ]
        out["external_ids"] = {"upc": f"{int(album.id.encode().hex()[:12], 16) % 10**12:012d}"}
        out["genres"] = []
        out["label"] = album.label
        out["popularity"] = album.popularity
        return out

    def simple_track(self, track: Track) -> Json:
        out: Json = {
            "artists": [self.simple_artist(self.catalog.artists[a]) for a in track.artist_ids],
            "disc_number": 1,
            "duration_ms": track.duration_ms,
            "explicit": track.explicit,
            "external_urls": self.external("track", track.id),
            "href": self.href("track", track.id),
            "id": track.id,
            "is_playable": True,
            "name": track.name,
            "track_number": track.track_number,
            "type": "track",
            "uri": track.uri,
            "is_local": False,
        }
        if self.include_deprecated:
            out["available_markets"] = list(MARKETS)
            out["preview_url"] = None
        return out

    def track(self, track: Track) -> Json:
        """A full TrackObject (cached: treat the result as read-only)."""
        cached = self._track_cache.get(track.id)
        if cached is not None:
            return cached
        out = self.simple_track(track)
        out["album"] = self.simple_album(self.catalog.albums[track.album_id])
        out["external_ids"] = {"isrc": track.isrc}
        if self.include_deprecated:
            out["popularity"] = track.popularity
        self._track_cache[track.id] = out
        return out

    def track_uri(self, uri: str) -> Json:
        return self.track(self.catalog.tracks[uri.rsplit(":", 1)[-1]])

    def owner(self, user_id: str, display_name: str | None) -> Json:
        return {
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user_id}"},
            "href": f"{self.api_base}users/{user_id}",
            "id": user_id,
            "type": "user",
            "uri": f"spotify:user:{user_id}",
            "display_name": display_name,
        }

    def simple_playlist(self, pl: Playlist) -> Json:
        return {
            "collaborative": pl.collaborative,
            "description": pl.description,
            "external_urls": self.external("playlist", pl.id),
            "href": self.href("playlist", pl.id),
            "id": pl.id,
            "images": images("playlist", pl.id) if pl.track_uris else [],
            "name": pl.name,
            "owner": self.owner(pl.owner_id, pl.owner_name),
            "public": pl.public,
            "snapshot_id": pl.snapshot_id,
            "items": {"href": f"{self.href('playlist', pl.id)}/items", "total": len(pl.track_uris)},
            "type": "playlist",
            "uri": pl.uri,
        }

    def playlist_items(self, pl: Playlist, limit: int, offset: int) -> Json:
        entries = [
            {
                "added_at": pl.added_at[i],
                "added_by": {k: v for k, v in self.owner(pl.owner_id, None).items() if k != "display_name"},
                "is_local": False,
                "item": self.track_uri(uri),
            }
            for i, uri in enumerate(pl.track_uris[offset : offset + limit], start=offset)
        ]
        return self.paging(
            entries, f"{self.href('playlist', pl.id)}/items", limit, offset, total=len(pl.track_uris)
        )

    def playlist(self, pl: Playlist, *, with_items: bool) -> Json:
        out = self.simple_playlist(pl)
        if with_items:
            out["items"] = self.playlist_items(pl, 100, 0)
        else:
            out.pop("items")
        return out

    def context(self, uri: str) -> Json:
        kind, _, item_id = uri.removeprefix("spotify:").partition(":")
        return {
            "type": kind,
            "href": self.href(kind, item_id),
            "external_urls": self.external(kind, item_id),
            "uri": uri,
        }

    @staticmethod
    def paging(
        items: list[Json],
        href: str,
        limit: int,
        offset: int,
        *,
        total: int | None = None,
        sliced: bool = True,
    ) -> Json:
        """A PagingObject. `items` is the whole list unless `total` is given (then it is the page already)."""
        if total is None:
            total = len(items)
            page = items[offset : offset + limit] if sliced else items
        else:
            page = items
        sep = "&" if "?" in href else "?"
        nxt = f"{href}{sep}offset={offset + limit}&limit={limit}" if offset + limit < total else None
        prev = f"{href}{sep}offset={max(0, offset - limit)}&limit={limit}" if offset > 0 else None
        return {
            "href": f"{href}{sep}offset={offset}&limit={limit}",
            "items": page,
            "limit": limit,
            "next": nxt,
            "offset": offset,
            "previous": prev,
            "total": total,
        }
