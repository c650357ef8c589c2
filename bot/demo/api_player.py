"""The fake's player endpoints: playback state, devices, transport commands, queue, recently played."""

from __future__ import annotations

import time

from aiohttp import web

from bot.demo.catalog import is_base62_id
from bot.demo.player import PlayerState
from bot.demo.render import Json
from bot.demo.server_core import (
    URI_RX,
    ApiError,
    FakeCore,
    Route,
    UserState,
    no_active_device,
    restriction_violated,
)


class PlayerApi(FakeCore):
    """Premium and active-device checks, then PlayerState commands."""

    def _player_routes(self) -> list[Route]:
        return [
            ("GET", "/v1/me/player", self._get_player),
            ("PUT", "/v1/me/player", self._transfer),
            ("GET", "/v1/me/player/currently-playing", self._currently_playing),
            ("GET", "/v1/me/player/devices", self._devices),
            ("PUT", "/v1/me/player/play", self._play),
            ("PUT", "/v1/me/player/pause", self._pause),
            ("POST", "/v1/me/player/next", self._next),
            ("POST", "/v1/me/player/previous", self._previous),
            ("PUT", "/v1/me/player/seek", self._seek),
            ("PUT", "/v1/me/player/volume", self._volume),
            ("PUT", "/v1/me/player/shuffle", self._shuffle),
            ("PUT", "/v1/me/player/repeat", self._repeat),
            ("GET", "/v1/me/player/queue", self._get_queue),
            ("POST", "/v1/me/player/queue", self._add_queue),
            ("GET", "/v1/me/player/recently-played", self._recently_played),
        ]

    # ------------------------------------------------------------------------------------------------
    # player
    # ------------------------------------------------------------------------------------------------
    def _command_target(self, request: web.Request, user: UserState) -> PlayerState:
        """Premium and device checks shared by every player command; activates a named device_id."""
        if not user.premium:
            raise ApiError(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
        p = user.player
        device_id = request.query.get("device_id")
        if device_id:
            device = next((d for d in p.devices if d["id"] == device_id), None)
            if device is None:
                raise ApiError(404, "Device not found")
            if device["is_restricted"]:
                raise restriction_violated()
            if not device["is_active"]:
                p.activate(device_id)
            return p
        device = p.device
        if device is None:
            raise no_active_device()
        if device["is_restricted"]:
            raise restriction_violated()
        return p

    def _playback_json(self, p: PlayerState, *, with_device: bool) -> Json:
        item = p.item
        out: Json = {
            "timestamp": int(time.time() * 1000),
            "context": self.render.context(p.context_uri) if p.context_uri else None,
            "progress_ms": p.progress_ms,
            "is_playing": p.is_playing,
            "item": item,
            "currently_playing_type": "track" if item else "unknown",
            "actions": {
                "interrupting_playback": False,
                "pausing": not p.is_playing,
                "resuming": p.is_playing,
                "seeking": False,
                "skipping_next": False,
                "skipping_prev": False,
                "toggling_repeat_context": False,
                "toggling_shuffle": False,
                "toggling_repeat_track": False,
                "transferring_playback": False,
            },
        }
        if out["context"] is None:
            del out["context"]
        if with_device:
            device = p.device
            out = {
                "device": dict(device) if device else None,
                "repeat_state": p.repeat,
                "shuffle_state": p.shuffle,
                **out,
            }
            if out["device"] is None:
                del out["device"]
        return out

    async def _get_player(self, request: web.Request) -> web.Response:
        p = self._user(request).player
        if p.device is None or p.current_uri is None:
            return self._ok(204)
        return web.json_response(self._playback_json(p, with_device=True))

    async def _currently_playing(self, request: web.Request) -> web.Response:
        p = self._user(request).player
        if p.device is None or p.current_uri is None:
            return self._ok(204)
        return web.json_response(self._playback_json(p, with_device=False))

    async def _devices(self, request: web.Request) -> web.Response:
        p = self._user(request).player
        return web.json_response({"devices": [dict(d) for d in p.devices]})

    async def _transfer(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._json(request)
        if not user.premium:
            raise ApiError(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
        ids = body.get("device_ids")
        if not isinstance(ids, list) or not ids:
            raise ApiError(400, "Required field device_ids missing")
        if len(ids) > 1:
            raise ApiError(400, "Only one device ID is supported")
        p = user.player
        device = next((d for d in p.devices if d["id"] == ids[0]), None)
        if device is None:
            raise ApiError(404, "Device not found")
        if device["is_restricted"]:
            raise restriction_violated()
        p.activate(device["id"])
        if body.get("play") is True and p.current_uri is not None:
            p.resume()
        return self._ok()

    async def _play(self, request: web.Request) -> web.Response:
        user = self._user(request)
        body = await self._json(request)
        p = self._command_target(request, user)
        context_uri = body.get("context_uri")
        uris = body.get("uris")
        offset = body.get("offset")
        position_ms = body.get("position_ms", 0)
        if not isinstance(position_ms, int) or isinstance(position_ms, bool) or position_ms < 0:
            raise ApiError(400, "position_ms must be a non-negative integer")
        if context_uri is None and uris is None:
            if offset is not None:
                raise ApiError(400, "Offset requires a context_uri or uris")
            if p.current_uri is None and p.queue:
                p.next()  # nothing loaded yet: start with what was queued
                return self._ok()
            if p.current_uri is None:
                raise ApiError(404, "Player command failed: Nothing to play", "UNKNOWN")
            if p.is_playing:
                raise restriction_violated()
            p.resume()
            if "position_ms" in body:
                p.seek(position_ms)
            return self._ok()
        if context_uri is not None and uris is not None:
            raise ApiError(400, "Only one of context_uri and uris can be given")
        if uris is not None:
            if not isinstance(uris, list) or not uris:
                raise ApiError(400, "uris must be a non-empty list")
            tracks = [self._resolve_track_uri(u) for u in uris]
            context = None
        else:
            if not isinstance(context_uri, str):
                raise ApiError(400, "Invalid context uri")
            m = URI_RX.match(context_uri)
            if m is None or m.group(1) not in ("album", "artist", "playlist", "show"):
                raise ApiError(400, f"Invalid context uri: {context_uri}")
            if not is_base62_id(m.group(2)):
                raise ApiError(400, "Invalid base62 id")
            found = self.catalog.context_tracks(context_uri, self.user_playlists)
            if found is None:
                raise ApiError(404, "Resource not found")
            if not found:
                raise ApiError(404, "Player command failed: Context is empty", "UNKNOWN")
            if m.group(1) == "artist" and offset is not None:
                raise ApiError(400, "Offset is not supported for artist contexts")
            tracks, context = found, context_uri
        start = 0
        if offset is not None:
            if not isinstance(offset, dict):
                raise ApiError(400, "Invalid offset")
            if "position" in offset:
                pos = offset["position"]
                if not isinstance(pos, int) or isinstance(pos, bool) or pos < 0:
                    raise ApiError(400, "Invalid offset")
                if pos >= len(tracks):
                    raise ApiError(404, "Player command failed: Offset out of range", "UNKNOWN")
                start = pos
            elif "uri" in offset:
                if offset["uri"] not in tracks:
                    raise ApiError(404, "Player command failed: Offset uri not in context", "UNKNOWN")
                start = tracks.index(offset["uri"])
            else:
                raise ApiError(400, "Invalid offset")
        p.load(tracks, context, start, position_ms)
        return self._ok()

    async def _pause(self, request: web.Request) -> web.Response:
        p = self._command_target(request, self._user(request))
        if not p.is_playing:
            raise restriction_violated()
        p.pause()
        return self._ok()

    async def _next(self, request: web.Request) -> web.Response:
        p = self._command_target(request, self._user(request))
        if p.current_uri is None and not p.queue:
            raise restriction_violated()
        p.next()
        return self._ok()

    async def _previous(self, request: web.Request) -> web.Response:
        p = self._command_target(request, self._user(request))
        if p.current_uri is None:
            raise restriction_violated()
        p.previous()
        return self._ok()

    async def _seek(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if "position_ms" not in request.query:
            raise ApiError(400, "Required parameter position_ms missing")
        position = self._int(request, "position_ms", 0, 0, 2**31)
        p = self._command_target(request, user)
        if p.current_uri is None:
            raise restriction_violated()
        p.seek(position)
        return self._ok()

    async def _volume(self, request: web.Request) -> web.Response:
        user = self._user(request)
        if "volume_percent" not in request.query:
            raise ApiError(400, "Required parameter volume_percent missing")
        volume = self._int(request, "volume_percent", 0, 0, 100)
        p = self._command_target(request, user)
        device = p.device
        assert device is not None  # _command_target guarantees an active device
        if not device["supports_volume"]:
            raise ApiError(
                403, "Player command failed: Cannot control device volume", "VOLUME_CONTROL_DISALLOW"
            )
        device["volume_percent"] = volume
        return self._ok()

    async def _shuffle(self, request: web.Request) -> web.Response:
        user = self._user(request)
        state = request.query.get("state")
        if state not in ("true", "false"):
            raise ApiError(400, "Required parameter state missing or invalid")
        p = self._command_target(request, user)
        p.set_shuffle(state == "true")
        return self._ok()

    async def _repeat(self, request: web.Request) -> web.Response:
        user = self._user(request)
        state = request.query.get("state")
        if state not in ("track", "context", "off"):
            raise ApiError(400, "State must be one of track, context or off")
        p = self._command_target(request, user)
        p.repeat = state
        return self._ok()

    async def _get_queue(self, request: web.Request) -> web.Response:
        p = self._user(request).player
        body: dict[str, object] = {"queue": [self.render_track(u) for u in p.upcoming]}
        if p.item is not None:  # the spec has no null here: leave the key out when nothing is loaded
            body["currently_playing"] = p.item
        return web.json_response(body)

    async def _add_queue(self, request: web.Request) -> web.Response:
        user = self._user(request)
        uri = request.query.get("uri")
        if not uri:
            raise ApiError(400, "Required parameter uri missing")
        uri = self._resolve_track_uri(uri)
        p = self._command_target(request, user)
        p.add_to_queue(uri)  # an active device with nothing loaded keeps the queue for the next play
        return self._ok()

    async def _recently_played(self, request: web.Request) -> web.Response:
        user = self._user(request)
        self._require_scope(request, "user-read-recently-played")
        limit = self._int(request, "limit", 20, 1, 50)
        if "after" in request.query and "before" in request.query:
            raise ApiError(400, "Only one of after and before can be given")
        after_ms = self._int(request, "after", 0, 0, 2**62)
        before_ms = self._int(request, "before", 2**62, 0, 2**62)
        wall_offset = time.time() - self.now()
        past = user.listening.past_plays if user.listening is not None else []
        plays: list[tuple[str, str | None, float]] = [(uri, None, at) for uri, at in past]
        plays += [(uri, ctx, at + wall_offset) for uri, ctx, at in user.player.history]
        plays.sort(key=lambda play: play[2])
        chosen = [p for p in reversed(plays) if after_ms < int(p[2] * 1000) < before_ms][:limit]
        items: list[Json] = []
        for uri, ctx, at in chosen:
            item: Json = {
                "track": self.render_track(uri),
                "played_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)),
            }
            if ctx:
                item["context"] = self.render.context(ctx)
            items.append(item)
        href = f"{self.api_base}me/player/recently-played"
        # The spec's cursor fields are non-nullable strings: unix-ms bounds of this page.
        oldest = int(chosen[-1][2] * 1000) if chosen else 0
        newest = int(chosen[0][2] * 1000) if chosen else 0
        return web.json_response(
            {
                "href": f"{href}?limit={limit}",
                "limit": limit,
                "next": f"{href}?before={oldest}&limit={limit}",
                "cursors": {"after": str(newest), "before": str(oldest)},
                "total": len(items),
                "items": items,
            }
        )
