"""The fake's search and catalog object endpoints (artists, albums, tracks)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.demo.catalog import is_base62_id
from bot.demo.render import Json
from bot.demo.search import parse_query
from bot.demo.server_core import (
    SEARCH_TYPES,
    ApiError,
    FakeCore,
    Route,
)


class SearchApi(FakeCore):
    """GET /search (limit 1..10) and the single-object catalog GETs."""

    def _search_routes(self) -> list[Route]:
        return [
            ("GET", "/v1/search", self._search),
            ("GET", "/v1/artists/{id}", self._artist),
            ("GET", "/v1/artists/{id}/albums", self._artist_albums),
            ("GET", "/v1/albums/{id}", self._album),
            ("GET", "/v1/albums/{id}/tracks", self._album_tracks),
            ("GET", "/v1/tracks/{id}", self._track),
        ]

    async def _search(self, request: web.Request) -> web.Response:
        user = self._user(request)
        q = request.query.get("q", "")
        if not q.strip():
            raise ApiError(400, "No search query")
        raw_types = request.query.get("type")
        if not raw_types:
            raise ApiError(400, "Missing parameter type")
        types = [t.strip() for t in raw_types.split(",")]
        for t in types:
            if t not in SEARCH_TYPES:
                raise ApiError(400, "Bad search type field")
        limit = self._int(request, "limit", 5, 1, 10)
        offset = self._int(request, "offset", 0, 0, 1000)
        if limit + offset > 1000 + limit:
            raise ApiError(400, "Invalid offset")
        query = parse_query(q)
        href = f"{self.api_base}search?{urlencode({'query': q, 'type': ','.join(types)})}"
        out: Json = {}
        for t in types:
            if t == "track":
                ids = self.index.tracks(query)
                page = [self.render.track(self.catalog.tracks[i]) for i in ids[offset : offset + limit]]
                out["tracks"] = self.render.paging(page, href, limit, offset, total=len(ids))
            elif t == "artist":
                ids = self.index.artists(query)
                page = [self.render.artist(self.catalog.artists[i]) for i in ids[offset : offset + limit]]
                out["artists"] = self.render.paging(page, href, limit, offset, total=len(ids))
            elif t == "album":
                ids = self.index.albums(query)
                page = [
                    self.render.simple_album(self.catalog.albums[i]) for i in ids[offset : offset + limit]
                ]
                out["albums"] = self.render.paging(page, href, limit, offset, total=len(ids))
            elif t == "playlist":
                own = [self.user_playlists[p] for p in user.playlist_ids]
                pls = self.index.playlists(query, own)
                page = [self.render.simple_playlist(p) for p in pls[offset : offset + limit]]
                out["playlists"] = self.render.paging(page, href, limit, offset, total=len(pls))
            else:
                out[t + "s"] = self.render.paging([], href, limit, offset, total=0)
        return web.json_response(out)

    # ------------------------------------------------------------------------------------------------
    # catalog objects
    # ------------------------------------------------------------------------------------------------
    def _lookup_id(self, request: web.Request, table: dict[str, Any]) -> Any:
        item_id = request.match_info["id"]
        if not is_base62_id(item_id):
            raise ApiError(400, "Invalid base62 id")
        item = table.get(item_id)
        if item is None:
            raise ApiError(404, "Resource not found")
        return item

    async def _artist(self, request: web.Request) -> web.Response:
        self._user(request)
        return web.json_response(self.render.artist(self._lookup_id(request, self.catalog.artists)))

    async def _artist_albums(self, request: web.Request) -> web.Response:
        self._user(request)
        artist = self._lookup_id(request, self.catalog.artists)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        groups = set(request.query.get("include_groups", "album,single,compilation,appears_on").split(","))
        albums = [
            self.catalog.albums[a] for a in artist.album_ids if self.catalog.albums[a].album_type in groups
        ]
        albums.sort(key=lambda al: al.release_date, reverse=True)
        items = [self.render.simple_album(al, group=True) for al in albums]
        return web.json_response(
            self.render.paging(items, f"{self.api_base}artists/{artist.id}/albums", limit, offset)
        )

    async def _album(self, request: web.Request) -> web.Response:
        self._user(request)
        return web.json_response(self.render.album(self._lookup_id(request, self.catalog.albums)))

    async def _album_tracks(self, request: web.Request) -> web.Response:
        self._user(request)
        album = self._lookup_id(request, self.catalog.albums)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        items = [self.render.simple_track(self.catalog.tracks[t]) for t in album.track_ids]
        return web.json_response(
            self.render.paging(items, f"{self.api_base}albums/{album.id}/tracks", limit, offset)
        )

    async def _track(self, request: web.Request) -> web.Response:
        self._user(request)
        return web.json_response(self.render.track(self._lookup_id(request, self.catalog.tracks)))
