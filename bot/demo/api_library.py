"""The fake's playlists, library saves and reads, and the user's top items."""

from __future__ import annotations

import json
import random
import secrets
from typing import Any

from aiohttp import web

from bot.demo.catalog import Playlist, fold, is_base62_id, spotify_id
from bot.demo.render import Json
from bot.demo.server_core import (
    LIBRARY_CONTAINS_KINDS,
    LIBRARY_SAVE_KINDS,
    URI_RX,
    ApiError,
    FakeCore,
    Route,
    UserState,
    now_iso,
)


class LibraryApi(FakeCore):
    """POST /me/playlists, /playlists/{id}/items, PUT/DELETE /me/library, /me/library/contains, /me/top."""

    def _library_routes(self) -> list[Route]:
        return [
            ("GET", "/v1/me/playlists", self._my_playlists),
            ("POST", "/v1/me/playlists", self._create_playlist),
            ("GET", "/v1/playlists/{id}", self._get_playlist),
            ("PUT", "/v1/playlists/{id}", self._change_playlist),
            ("GET", "/v1/playlists/{id}/items", self._playlist_items),
            ("POST", "/v1/playlists/{id}/items", self._add_playlist_items),
            ("PUT", "/v1/playlists/{id}/items", self._replace_playlist_items),
            ("DELETE", "/v1/playlists/{id}/items", self._remove_playlist_items),
            ("GET", "/v1/playlists/{id}/images", self._playlist_images),
            ("PUT", "/v1/me/library", self._save_library),
            ("DELETE", "/v1/me/library", self._remove_library),
            ("GET", "/v1/me/library/contains", self._library_contains),
            ("GET", "/v1/me/tracks", self._saved_tracks),
            ("GET", "/v1/me/albums", self._saved_albums),
            ("GET", "/v1/me/top/{type}", self._top),
        ]

    # ------------------------------------------------------------------------------------------------
    # playlists
    # ------------------------------------------------------------------------------------------------
    def _playlist(self, playlist_id: str) -> Playlist:
        if not is_base62_id(playlist_id):
            raise ApiError(400, "Invalid base62 id")
        pl = self.user_playlists.get(playlist_id) or self.catalog.playlists.get(playlist_id)
        if pl is None:
            raise ApiError(404, "Resource not found")
        return pl

    def _owned(self, user: UserState, playlist_id: str) -> Playlist:
        pl = self._playlist(playlist_id)
        if pl.owner_id != user.user_id and not pl.collaborative:
            raise ApiError(403, "Forbidden")
        return pl

    async def _my_playlists(self, request: web.Request) -> web.Response:
        user = self._user(request)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        owned = [self.user_playlists[p] for p in reversed(user.playlist_ids)]
        followed = [
            self._playlist(uri.rsplit(":", 1)[-1])
            for uri in user.library
            if uri.startswith("spotify:playlist:")
        ]
        all_pls = list({p.id: p for p in [*owned, *followed]}.values())
        page = [self.render.simple_playlist(p) for p in all_pls[offset : offset + limit]]
        return web.json_response(
            self.render.paging(page, f"{self.api_base}me/playlists", limit, offset, total=len(all_pls))
        )

    async def _create_playlist(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._json(request)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, "Missing required field: name")
        public = body.get("public", True)
        collaborative = bool(body.get("collaborative", False))
        if collaborative and public:
            raise ApiError(400, "Collaborative playlists can't be public")
        pl = Playlist(
            id=spotify_id("playlist", f"{user.user_id}/{len(self.user_playlists)}/{secrets.token_hex(4)}"),
            name=name,
            description=str(body.get("description", "")),
            owner_id=user.user_id,
            owner_name=user.display_name,
            public=bool(public),
            collaborative=collaborative,
            track_uris=[],
            added_at=[],
            folded=fold(name),
        )
        self.user_playlists[pl.id] = pl
        user.playlist_ids.append(pl.id)
        return web.json_response(self.render.playlist(pl, with_items=True), status=201)

    async def _get_playlist(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._playlist(request.match_info["id"])
        mine = pl.owner_id == user.user_id or pl.collaborative
        return web.json_response(self.render.playlist(pl, with_items=mine))

    async def _change_playlist(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        body = await self._json(request)
        if "name" in body:
            pl.name = str(body["name"])
            pl.folded = fold(pl.name)
        if "description" in body:
            pl.description = str(body["description"])
        if "public" in body:
            pl.public = bool(body["public"])
        if "collaborative" in body:
            pl.collaborative = bool(body["collaborative"])
        pl.version += 1
        return self._ok(200)

    async def _playlist_items(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        return web.json_response(self.render.playlist_items(pl, limit, offset))

    def _uris_from(self, request: web.Request, body: dict[str, Any]) -> list[str]:
        if "uris" in request.query:
            uris: Any = [u.strip() for u in request.query["uris"].split(",") if u.strip()]
        else:
            uris = body.get("uris")
        if not isinstance(uris, list) or not uris:
            raise ApiError(400, "No uris provided")
        if len(uris) > 100:
            raise ApiError(400, "You can add a maximum of 100 tracks per request.")
        return [self._resolve_track_uri(u) for u in uris]

    async def _add_playlist_items(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        raw = await request.read()
        # spotipy's playlist_add_items sends a bare JSON array: the real API takes it, the spec does not.
        body = {"uris": json.loads(raw)} if raw.lstrip().startswith(b"[") else await self._json(request)
        uris = self._uris_from(request, body)
        raw_pos: Any = request.query.get("position", body.get("position"))
        position = len(pl.track_uris)
        if raw_pos is not None:
            try:
                position = int(raw_pos)
            except (TypeError, ValueError):
                raise ApiError(400, "Invalid position") from None
            if not 0 <= position <= len(pl.track_uris):
                raise ApiError(400, "Index out of bounds")
        now = now_iso()
        pl.track_uris[position:position] = uris
        pl.added_at[position:position] = [now] * len(uris)
        pl.version += 1
        return web.json_response({"snapshot_id": pl.snapshot_id}, status=201)

    async def _replace_playlist_items(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        body = await self._json(request)
        if "uris" in request.query or "uris" in body:
            uris = (
                []
                if body.get("uris") == [] and "uris" not in request.query
                else self._uris_from(request, body)
            )
            pl.track_uris = uris
            pl.added_at = [now_iso()] * len(uris)
        elif "range_start" in body and "insert_before" in body:
            start, before = body["range_start"], body["insert_before"]
            length = body.get("range_length", 1)
            n = len(pl.track_uris)
            if not (isinstance(start, int) and isinstance(before, int) and isinstance(length, int)):
                raise ApiError(400, "Invalid reorder request")
            if not (0 <= start < n and 0 <= before <= n and 1 <= length <= n - start):
                raise ApiError(400, "Index out of bounds")
            pairs = list(zip(pl.track_uris, pl.added_at, strict=True))
            moved = pairs[start : start + length]
            rest = pairs[:start] + pairs[start + length :]
            insert_at = before if before <= start else before - length
            rest[insert_at:insert_at] = moved
            pl.track_uris = [u for u, _ in rest]
            pl.added_at = [a for _, a in rest]
        else:
            raise ApiError(400, "Either uris or range_start and insert_before are required")
        pl.version += 1
        return web.json_response({"snapshot_id": pl.snapshot_id})

    async def _remove_playlist_items(self, request: web.Request) -> web.Response:
        user = self._user(request)
        pl = self._owned(user, request.match_info["id"])
        body = await self._json(request)
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise ApiError(400, "Missing required field: items")
        if len(items) > 100:
            raise ApiError(400, "You can remove a maximum of 100 tracks per request.")
        remove = {self._resolve_track_uri(i.get("uri") if isinstance(i, dict) else None) for i in items}
        keep = [(u, a) for u, a in zip(pl.track_uris, pl.added_at, strict=True) if u not in remove]
        pl.track_uris = [u for u, _ in keep]
        pl.added_at = [a for _, a in keep]
        pl.version += 1
        return web.json_response({"snapshot_id": pl.snapshot_id})

    async def _playlist_images(self, request: web.Request) -> web.Response:
        self._user(request)
        pl = self._playlist(request.match_info["id"])
        return web.json_response(self.render.simple_playlist(pl)["images"])

    # ------------------------------------------------------------------------------------------------
    # library
    # ------------------------------------------------------------------------------------------------
    def _library_uris(self, request: web.Request, kinds: frozenset[str]) -> list[str]:
        raw = request.query.get("uris")
        if not raw:
            raise ApiError(400, "Missing required parameter: uris")
        uris = [u.strip() for u in raw.split(",") if u.strip()]
        if len(uris) > 40:
            raise ApiError(400, "Too many URIs requested. Maximum: 40")
        for uri in uris:
            m = URI_RX.match(uri)
            if m is None:
                raise ApiError(400, f"Invalid URI: {uri}")
            if m.group(1) not in kinds:
                raise ApiError(400, f"Unsupported URI type: {m.group(1)}")
            if m.group(1) != "user" and not is_base62_id(m.group(2)):
                raise ApiError(400, "Invalid base62 id")
        return uris

    async def _save_library(self, request: web.Request) -> web.Response:
        user = self._user(request)
        now = now_iso()
        for uri in self._library_uris(request, LIBRARY_SAVE_KINDS):
            user.library.pop(uri, None)
            user.library[uri] = now
        return self._ok(200)

    async def _remove_library(self, request: web.Request) -> web.Response:
        user = self._user(request)
        for uri in self._library_uris(request, LIBRARY_SAVE_KINDS):
            user.library.pop(uri, None)
        return self._ok(200)

    async def _library_contains(self, request: web.Request) -> web.Response:
        user = self._user(request)
        self._require_scope(request, "user-library-read")
        uris = self._library_uris(request, LIBRARY_CONTAINS_KINDS)
        return web.json_response([uri in user.library for uri in uris])

    def _saved(self, user: UserState, kind: str) -> list[tuple[str, str]]:
        prefix = f"spotify:{kind}:"
        return [
            (uri[len(prefix) :], at) for uri, at in reversed(user.library.items()) if uri.startswith(prefix)
        ]

    async def _saved_tracks(self, request: web.Request) -> web.Response:
        user = self._user(request)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        saved = [(i, at) for i, at in self._saved(user, "track") if i in self.catalog.tracks]
        page = [
            {"added_at": at, "track": self.render.track(self.catalog.tracks[i])}
            for i, at in saved[offset : offset + limit]
        ]
        return web.json_response(
            self.render.paging(page, f"{self.api_base}me/tracks", limit, offset, total=len(saved))
        )

    async def _saved_albums(self, request: web.Request) -> web.Response:
        user = self._user(request)
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        saved = [(i, at) for i, at in self._saved(user, "album") if i in self.catalog.albums]
        page = [
            {"added_at": at, "album": self.render.album(self.catalog.albums[i])}
            for i, at in saved[offset : offset + limit]
        ]
        return web.json_response(
            self.render.paging(page, f"{self.api_base}me/albums", limit, offset, total=len(saved))
        )

    async def _top(self, request: web.Request) -> web.Response:
        user = self._user(request)
        kind = request.match_info["type"]
        if kind not in ("artists", "tracks"):
            raise ApiError(404, "Service not found")
        time_range = request.query.get("time_range", "medium_term")
        if time_range not in ("long_term", "medium_term", "short_term"):
            raise ApiError(400, "Invalid time_range")
        self._require_scope(request, "user-top-read")
        limit = self._int(request, "limit", 20, 1, 50)
        offset = self._int(request, "offset", 0, 0, 100_000)
        items: list[Json]
        if user.listening is not None:
            if kind == "tracks":
                ids = user.listening.top_tracks[time_range]
                items = [self.render.track(self.catalog.tracks[i]) for i in ids]
            else:
                items = [
                    self.render.artist(self.catalog.artists[i])
                    for i in user.listening.top_artists[time_range]
                ]
            page = items[offset : offset + limit]
            href = f"{self.api_base}me/top/{kind}"
            return web.json_response(self.render.paging(page, href, limit, offset, total=len(items)))
        rng = random.Random(f"top:{user.user_id}:{kind}")
        if kind == "tracks":
            pool = sorted(self.catalog.tracks.values(), key=lambda t: -t.popularity)[:200]
            picks = rng.sample(pool, 50)
            items = [self.render.track(t) for t in picks]
        else:
            apool = sorted(self.catalog.artists.values(), key=lambda a: -a.popularity)[:40]
            items = [self.render.artist(a) for a in rng.sample(apool, 20)]
        return web.json_response(self.render.paging(items, f"{self.api_base}me/top/{kind}", limit, offset))
