"""One Spotify session: the account a guild (or a DM) acts on, carrying out actions one at a time."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from bot.errors import UserFacingError
from bot.llm.protocols import TrackSuggester
from bot.nlu import actions as a
from bot.nlu.actions import Action, SearchKind
from bot.nlu.plan import Context
from bot.recommend.personal import PersonalRecommender, recommend_outcome
from bot.spotify.client import SpotifyApi
from bot.spotify.errors import (
    DeviceNotFound,
    NoActiveDevice,
    NoDevices,
    NothingFound,
    NothingPlaying,
    PlayerRestricted,
    PlaylistNotFound,
)
from bot.spotify.outcome import DeviceInfo, Outcome, PlaybackInfo, TrackInfo
from bot.spotify.recommend import recommend
from bot.spotify.resolve import Resolved, Resolver, fold, item_info, track_info

log = logging.getLogger(__name__)

QUEUE_SHOWN = 10
LIST_SHOWN = 10
PLAYLIST_CUTOFF = 70.0
DEVICE_CUTOFF = 60.0
ITEMS_PER_REQUEST = 100
PLAYER_MEMORY_S = 15.0  # how long what our own commands saw of the player is trusted (then Spotify is asked)


def format_ms(ms: int) -> str:
    """'3:07' or '1:02:03'."""
    seconds = max(0, int(ms)) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def numbered(tracks: list[TrackInfo], limit: int = LIST_SHOWN) -> str:
    """'1. Title — Artist' lines (plain text: reads well in a terminal and in an embed)."""
    lines = [f"{i}. {t.label}" for i, t in enumerate(tracks[:limit], start=1)]
    if len(tracks) > limit:
        lines.append(f"… +{len(tracks) - limit}")
    return "\n".join(lines)


def device_info(obj: Mapping[str, Any]) -> DeviceInfo:
    volume = obj.get("volume_percent")
    return DeviceInfo(
        id=str(obj.get("id") or ""),
        name=str(obj.get("name") or "?"),
        type=str(obj.get("type") or "Unknown"),
        is_active=bool(obj.get("is_active")),
        volume=int(volume) if isinstance(volume, int) else None,
    )


def playback_info(obj: Mapping[str, Any] | None) -> PlaybackInfo | None:
    """A PlaybackInfo from GET /me/player (None when nothing is playing)."""
    if not obj:
        return None
    item = obj.get("item")
    device = device_info(obj["device"]) if isinstance(obj.get("device"), Mapping) else None
    return PlaybackInfo(
        track=track_info(item) if isinstance(item, Mapping) else None,
        is_playing=bool(obj.get("is_playing")),
        progress_ms=int(obj.get("progress_ms") or 0),
        device=device,
        volume=device.volume if device else None,
        shuffle=bool(obj.get("shuffle_state")),
        repeat=str(obj.get("repeat_state") or "off"),
    )


def device_names(devices: list[DeviceInfo]) -> str:
    return ", ".join(d.name for d in devices)


@dataclass(slots=True)
class PlayerMemory:
    """What this session's own successful commands and reads showed of the player, and when.

    It only saves round trips where an answer needs interpreting: a volume step starts from the level we set
    or read a moment ago, and a 403 on pause/resume means "already paused/playing" when we just saw that
    state. Older than PLAYER_MEMORY_S, or after any failed command, Spotify is asked again.
    """

    is_playing: bool | None = None
    is_playing_at: float = -math.inf
    volume: int | None = None
    volume_at: float = -math.inf

    def playing(self, now: float) -> bool | None:
        """Playing or paused as last seen, None when unknown or stale."""
        return self.is_playing if now - self.is_playing_at <= PLAYER_MEMORY_S else None

    def level(self, now: float) -> int | None:
        """The volume as last set or seen, None when unknown or stale."""
        return self.volume if now - self.volume_at <= PLAYER_MEMORY_S else None

    def saw_playing(self, value: bool | None, now: float) -> None:
        self.is_playing, self.is_playing_at = value, now

    def saw_volume(self, value: int | None, now: float) -> None:
        self.volume, self.volume_at = value, now

    def saw(self, playback: PlaybackInfo | None, now: float) -> None:
        """Everything a GET /me/player answer showed (nothing loaded: state unknown)."""
        self.saw_playing(None if playback is None else playback.is_playing, now)
        self.saw_volume(None if playback is None else playback.volume, now)

    def forget(self) -> None:
        self.saw_playing(None, -math.inf)
        self.saw_volume(None, -math.inf)


class GuildSession:
    """Acts on one linked Spotify account. Actions run in order (one lock); reads for panels do not wait."""

    def __init__(
        self,
        *,
        key: str,
        user_id: int,
        api: SpotifyApi,
        suggester: TrackSuggester | None = None,
        personal: PersonalRecommender | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.key = key
        self._personal = personal
        self.user_id = user_id
        self._api = api
        self._resolver = Resolver(api)
        self._suggester = suggester
        self._clock = clock
        self._lock = asyncio.Lock()
        self._memory = PlayerMemory()
        self.last_used = clock()

    @property
    def api(self) -> SpotifyApi:
        """The Web API client acting on this session's account (taste reads, DJ)."""
        return self._api

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    def close(self) -> None:
        self._api.close()

    # ---- public entry points -------------------------------------------------------------------------

    async def execute(self, action: Action, ctx: Context) -> Outcome:
        """Carry out one action; every failure comes back as a failed Outcome with a user-facing message."""
        handler = HANDLERS.get(action.action)
        if handler is None:
            return self._not_spotify(action)
        return await self._serialised(action.action, lambda: handler(self, action, ctx))

    async def playback(self) -> PlaybackInfo | None:
        """The current playback (for the now-playing panel). Raises UserFacingError."""
        self._touch()
        await self._api.refresh_token()
        return await self._current()

    async def search(self, query: str, kind: SearchKind = "track", limit: int = 5) -> list[TrackInfo]:
        """Search results for autocomplete. Raises UserFacingError."""
        if not query.strip():
            return []
        self._touch()
        await self._api.refresh_token()
        return await self._resolver.search(query, kind, limit)

    async def play_uris(self, uris: list[str]) -> Outcome:
        return await self._serialised("play", lambda: self._play_uris(uris))

    async def queue_uris(self, uris: list[str]) -> Outcome:
        return await self._serialised("queue_add", lambda: self._queue_uris(uris))

    async def save_playlist(self, name: str, uris: list[str]) -> Outcome:
        return await self._serialised("create_playlist", lambda: self._save_playlist(name, uris))

    # ---- plumbing --------------------------------------------------------------------------------------

    def _touch(self) -> None:
        self.last_used = self._clock()

    async def _serialised(self, name: str, run: Callable[[], Awaitable[Outcome]]) -> Outcome:
        async with self._lock:
            self._touch()
            try:
                await self._api.refresh_token()
                return await run()
            except NoActiveDevice as exc:
                self._memory.forget()
                return await self._no_device(name, exc)
            except UserFacingError as exc:
                self._memory.forget()
                log.info("session %s action %s: %s", self.key, name, exc.key)
                return Outcome.failed(name, exc)
            except Exception:
                self._memory.forget()
                log.exception("session %s action %s failed", self.key, name)
                return Outcome.failed(name, UserFacingError())
            finally:
                self._touch()

    async def _no_device(self, name: str, exc: NoActiveDevice) -> Outcome:
        """No active device: list the account's devices and say how to move playback to one."""
        try:
            devices = await self._devices()
        except UserFacingError:
            devices = []
        error: UserFacingError = exc
        active = next((d for d in devices if d.is_active), None)
        if active is not None and name != "play":
            # Spotify lists an active device but has nothing loaded on it: the device is not the problem.
            error = NothingPlaying("spotify.nothing_loaded", device=active.name)
        elif devices:
            error = NoActiveDevice(
                "spotify.no_active_device.list", devices=device_names(devices), device=devices[0].name
            )
        log.info("session %s action %s: no active device (%d available)", self.key, name, len(devices))
        outcome = Outcome.failed(name, error)
        outcome.devices = devices
        return outcome

    def _not_spotify(self, action: Action) -> Outcome:
        if isinstance(action, a.Reply):
            return Outcome(action="reply", ok=True, key="reply.text", params={"text": action.text})
        return Outcome(action=action.action, ok=True, key="help.text")

    async def _current(self) -> PlaybackInfo | None:
        raw = await self._api.call("player.state", self._api.sp.current_playback, idempotent=True)
        playback = playback_info(raw)
        self._memory.saw(playback, self._clock())
        return playback

    async def _current_track(self) -> TrackInfo:
        playback = await self._current()
        if playback is None or playback.track is None:
            raise NothingPlaying()
        return playback.track

    async def _devices(self) -> list[DeviceInfo]:
        raw = await self._api.call("devices", self._api.sp.devices, idempotent=True)
        return [device_info(d) for d in (raw or {}).get("devices") or [] if isinstance(d, Mapping)]

    # ---- playback ------------------------------------------------------------------------------------

    async def _start(self, resolved: Resolved) -> None:
        if resolved.is_context:
            await self._api.call(
                "player.play", self._api.sp.start_playback, context_uri=resolved.uri, idempotent=True
            )
        else:
            await self._api.call(
                "player.play", self._api.sp.start_playback, uris=[resolved.uri], idempotent=True
            )
        self._memory.saw_playing(True, self._clock())

    async def _play(self, action: a.Play, ctx: Context) -> Outcome:
        resolved = await self._resolver.resolve(action.query, action.kind)
        await self._start(resolved)
        key = "spotify.play.ok" if resolved.kind == "track" else f"spotify.play.{resolved.kind}"
        return Outcome(
            action="play",
            ok=True,
            key=key,
            params={"track": resolved.info.label, "name": resolved.info.label},
            tracks=[resolved.info],
        )

    async def _play_uris(self, uris: list[str]) -> Outcome:
        uris = [u for u in uris if u.startswith("spotify:")]
        if not uris:
            raise NothingFound(query="")
        await self._api.call(
            "player.play", self._api.sp.start_playback, uris=uris[:ITEMS_PER_REQUEST], idempotent=True
        )
        self._memory.saw_playing(True, self._clock())
        return Outcome(action="play", ok=True, key="spotify.play_uris.ok", params={"count": len(uris)})

    async def _pause(self, action: a.Pause, ctx: Context) -> Outcome:
        try:
            await self._api.call("player.pause", self._api.sp.pause_playback, idempotent=True)
        except PlayerRestricted:
            state = await self._is_playing(expected=False)
            if state is None:
                raise NothingPlaying() from None
            if state:
                raise
            return Outcome(action="pause", ok=True, key="spotify.pause.already")
        self._memory.saw_playing(False, self._clock())
        return Outcome(action="pause", ok=True, key="spotify.pause.ok")

    async def _resume(self, action: a.Resume, ctx: Context) -> Outcome:
        try:
            await self._api.call("player.play", self._api.sp.start_playback, idempotent=True)
        except PlayerRestricted:
            state = await self._is_playing(expected=True)
            if state is None:
                raise NothingPlaying() from None
            if not state:
                raise
            return Outcome(action="resume", ok=True, key="spotify.resume.already")
        self._memory.saw_playing(True, self._clock())
        return Outcome(action="resume", ok=True, key="spotify.resume.ok")

    async def _is_playing(self, *, expected: bool) -> bool | None:
        """After a 403 on pause/resume: is it playing? (None: nothing loaded.)

        When we saw the player in the `expected` state a moment ago, the 403 is Spotify saying "already so" and
        no GET is needed; otherwise (unknown, stale, or the opposite state) Spotify is asked.
        """
        if self._memory.playing(self._clock()) is expected:
            return expected
        playback = await self._current()
        return None if playback is None else playback.is_playing

    async def _skip(self, action: a.Skip, ctx: Context) -> Outcome:
        self._memory.saw_playing(None, self._clock())  # a paused player may or may not start again
        for _ in range(action.count):
            await self._nothing_loaded_check("player.next", self._api.sp.next_track)
        if action.count == 1:
            return Outcome(action="skip", ok=True, key="spotify.skip.ok")
        return Outcome(action="skip", ok=True, key="spotify.skip.many", params={"count": action.count})

    async def _previous(self, action: a.Previous, ctx: Context) -> Outcome:
        self._memory.saw_playing(None, self._clock())
        await self._nothing_loaded_check("player.previous", self._api.sp.previous_track)
        return Outcome(action="previous", ok=True, key="spotify.previous.ok")

    async def _nothing_loaded_check(self, what: str, fn: Callable[[], object]) -> None:
        """Skip/previous: a 403 with nothing loaded means nothing is playing, not a restricted device."""
        try:
            await self._api.call(what, fn, idempotent=False)
        except PlayerRestricted:
            playback = await self._current()
            if playback is None or playback.track is None:
                raise NothingPlaying() from None
            raise

    async def _seek(self, action: a.Seek, ctx: Context) -> Outcome:
        playback = await self._current()
        if playback is None or playback.track is None:
            raise NothingPlaying()
        target_ms = (
            action.position_s * 1000
            if action.position_s is not None
            else playback.progress_ms + (action.delta_s or 0) * 1000
        )
        duration = playback.track.duration_ms
        target_ms = max(0, min(target_ms, duration) if duration > 0 else target_ms)
        await self._api.call("player.seek", self._api.sp.seek_track, target_ms, idempotent=True)
        return Outcome(
            action="seek",
            ok=True,
            key="spotify.seek.ok",
            params={"position": format_ms(target_ms), "duration": format_ms(duration)},
        )

    async def _volume(self, action: a.Volume, ctx: Context) -> Outcome:
        if action.level is not None:
            level = action.level
        else:
            current = await self._current_volume()
            level = current + (action.delta or 0)
        level = max(0, min(100, level))
        await self._api.call("player.volume", self._api.sp.volume, level, idempotent=True)
        self._memory.saw_volume(level, self._clock())
        return Outcome(action="volume", ok=True, key="spotify.volume.ok", params={"level": level})

    async def _current_volume(self) -> int:
        """The level a volume step starts from: the one we set or saw a moment ago, else Spotify's."""
        remembered = self._memory.level(self._clock())
        if remembered is not None:
            return remembered
        playback = await self._current()
        if playback is not None and playback.volume is not None:
            return playback.volume
        active = next((d for d in await self._devices() if d.is_active and d.volume is not None), None)
        if active is None or active.volume is None:
            raise NoActiveDevice()
        return active.volume

    async def _shuffle(self, action: a.Shuffle, ctx: Context) -> Outcome:
        await self._api.call("player.shuffle", self._api.sp.shuffle, action.on, idempotent=True)
        return Outcome(
            action="shuffle", ok=True, key="spotify.shuffle.on" if action.on else "spotify.shuffle.off"
        )

    async def _repeat(self, action: a.Repeat, ctx: Context) -> Outcome:
        await self._api.call("player.repeat", self._api.sp.repeat, action.mode, idempotent=True)
        return Outcome(action="repeat", ok=True, key=f"spotify.repeat.{action.mode}")

    async def _queue_add(self, action: a.QueueAdd, ctx: Context) -> Outcome:
        resolved = await self._resolver.resolve_track(action.query)
        await self._api.call("player.queue", self._api.sp.add_to_queue, resolved.uri, idempotent=False)
        return Outcome(
            action="queue_add",
            ok=True,
            key="spotify.queue_add.ok",
            params={"track": resolved.info.label},
            tracks=[resolved.info],
        )

    async def _queue_uris(self, uris: list[str]) -> Outcome:
        uris = [u for u in uris if u.startswith("spotify:track:") or u.startswith("spotify:episode:")]
        if not uris:
            raise NothingFound(query="")
        for uri in uris:
            await self._api.call("player.queue", self._api.sp.add_to_queue, uri, idempotent=False)
        return Outcome(action="queue_add", ok=True, key="spotify.queue_uris.ok", params={"count": len(uris)})

    async def _show_queue(self, action: a.ShowQueue, ctx: Context) -> Outcome:
        raw = await self._api.call("player.queue_get", self._api.sp.queue, idempotent=True)
        upcoming = [track_info(t) for t in (raw or {}).get("queue") or [] if isinstance(t, Mapping)]
        playback = await self._current()
        if not upcoming:
            return Outcome(action="show_queue", ok=True, key="spotify.show_queue.empty", playback=playback)
        return Outcome(
            action="show_queue",
            ok=True,
            key="spotify.show_queue.ok",
            params={"count": len(upcoming), "list": numbered(upcoming, QUEUE_SHOWN)},
            tracks=upcoming,
            playback=playback,
        )

    async def _now_playing(self, action: a.NowPlaying, ctx: Context) -> Outcome:
        playback = await self._current()
        if playback is None or playback.track is None:
            return Outcome(
                action="now_playing", ok=True, key="spotify.now_playing.nothing", playback=playback
            )
        track = playback.track
        params: dict[str, object] = {
            "track": track.name,
            "artists": ", ".join(track.artists) or "?",
            "album": track.album or "",
            "progress": format_ms(playback.progress_ms),
            "duration": format_ms(track.duration_ms),
            "device": playback.device.name if playback.device else "?",
            "volume": playback.volume if playback.volume is not None else "?",
        }
        key = "spotify.now_playing.ok" if playback.is_playing else "spotify.now_playing.paused"
        return Outcome(
            action="now_playing", ok=True, key=key, params=params, playback=playback, tracks=[track]
        )

    # ---- library and playlists ------------------------------------------------------------------------

    async def _like(self, action: a.Like, ctx: Context) -> Outcome:
        track = await self._current_track()
        await self._api.call("library.save", self._api.sp._put, "me/library", uris=track.uri, idempotent=True)
        return Outcome(
            action="like", ok=True, key="spotify.like.ok", params={"track": track.label}, tracks=[track]
        )

    async def _find_playlist(self, name: str) -> Mapping[str, Any]:
        playlists = await self._resolver.my_playlists()
        exact = next((p for p in playlists if fold(str(p.get("name", ""))) == fold(name)), None)
        if exact is not None:
            return exact
        choices = {i: fold(str(p.get("name", ""))) for i, p in enumerate(playlists)}
        match = process.extractOne(fold(name), choices, scorer=fuzz.WRatio, score_cutoff=PLAYLIST_CUTOFF)
        if match is None:
            names = ", ".join(str(p.get("name")) for p in playlists[:LIST_SHOWN])
            if not names:
                raise PlaylistNotFound("spotify.playlist_none", name=name)
            raise PlaylistNotFound(name=name, playlists=names)
        return playlists[match[2]]

    async def _add_items(self, playlist_id: str, uris: list[str]) -> None:
        for start in range(0, len(uris), ITEMS_PER_REQUEST):
            chunk = uris[start : start + ITEMS_PER_REQUEST]
            await self._api.call(
                "playlist.add",
                self._api.sp._post,
                f"playlists/{playlist_id}/items",
                payload={"uris": chunk},
                idempotent=False,
            )

    async def _add_to_playlist(self, action: a.AddToPlaylist, ctx: Context) -> Outcome:
        playlist = await self._find_playlist(action.playlist)
        if action.query is None:
            track = await self._current_track()
        else:
            track = (await self._resolver.resolve_track(action.query)).info
        await self._add_items(str(playlist["id"]), [track.uri])
        return Outcome(
            action="add_to_playlist",
            ok=True,
            key="spotify.add_to_playlist.ok",
            params={"track": track.label, "playlist": str(playlist.get("name"))},
            tracks=[track],
        )

    async def _new_playlist(self, name: str) -> Mapping[str, Any]:
        created = await self._api.call(
            "playlist.create",
            self._api.sp._post,
            "me/playlists",
            payload={"name": name, "public": False},
            idempotent=False,
        )
        return created or {}

    async def _create_playlist(self, action: a.CreatePlaylist, ctx: Context) -> Outcome:
        created = await self._new_playlist(action.name)
        info = item_info("playlist", created) if created else None
        return Outcome(
            action="create_playlist",
            ok=True,
            key="spotify.create_playlist.ok",
            params={"name": str(created.get("name") or action.name)},
            tracks=[info] if info else [],
        )

    async def _save_playlist(self, name: str, uris: list[str]) -> Outcome:
        uris = [u for u in uris if u.startswith("spotify:track:") or u.startswith("spotify:episode:")]
        if not uris:
            raise NothingFound(query=name)
        created = await self._new_playlist(name[:100] or "Spotify")
        if created.get("id"):
            await self._add_items(str(created["id"]), uris)
        return Outcome(
            action="create_playlist",
            ok=True,
            key="spotify.save_playlist.ok",
            params={"name": str(created.get("name") or name), "count": len(uris)},
        )

    # ---- discovery -------------------------------------------------------------------------------------

    async def _recommend(self, action: a.Recommend, ctx: Context) -> Outcome:
        if self._personal is not None:
            own = self._api if ctx.user_id == self.user_id else None
            return await recommend_outcome(
                self._personal,
                action,
                ctx,
                resolver=self._resolver,
                own_api=own,
                has_llm=self._suggester is not None,
            )
        tracks = await recommend(self._suggester, self._resolver, action.prompt, action.count, ctx.locale)
        return Outcome(
            action="recommend",
            ok=True,
            key="spotify.recommend.ok",
            params={"count": len(tracks), "prompt": action.prompt, "list": numbered(tracks)},
            tracks=tracks,
        )

    async def _search_action(self, action: a.Search, ctx: Context) -> Outcome:
        kind: SearchKind = action.kind if action.kind in ("track", "artist", "album", "playlist") else "track"  # type: ignore[assignment]
        results = await self._resolver.search(action.query, kind, LIST_SHOWN)
        if not results:
            raise NothingFound(query=action.query)
        return Outcome(
            action="search",
            ok=True,
            key="spotify.search.ok",
            params={"count": len(results), "query": action.query, "list": numbered(results)},
            tracks=results,
        )

    # ---- devices ---------------------------------------------------------------------------------------

    async def _devices_action(self, action: a.Devices, ctx: Context) -> Outcome:
        devices = await self._devices()
        if not devices:
            return Outcome(action="devices", ok=True, key="spotify.devices.none")
        lines = "\n".join(f"{'▶ ' if d.is_active else '• '}{d.name} ({d.type})" for d in devices)
        return Outcome(
            action="devices",
            ok=True,
            key="spotify.devices.ok",
            params={"count": len(devices), "list": lines},
            devices=devices,
        )

    async def _transfer(self, action: a.Transfer, ctx: Context) -> Outcome:
        devices = await self._devices()
        if not devices:
            raise NoDevices()
        device = self._match_device(action.device, devices)
        if device is None:
            outcome = Outcome.failed(
                "transfer", DeviceNotFound(device=action.device, devices=device_names(devices))
            )
            outcome.devices = devices
            return outcome
        self._memory.forget()  # another device: its own volume
        await self._api.call(
            "player.transfer", self._api.sp.transfer_playback, device.id, True, idempotent=True
        )
        return Outcome(
            action="transfer",
            ok=True,
            key="spotify.transfer.ok",
            params={"device": device.name},
            devices=devices,
        )

    @staticmethod
    def _match_device(wanted: str, devices: list[DeviceInfo]) -> DeviceInfo | None:
        target = fold(wanted)
        for d in devices:
            if fold(d.name) == target or d.id == wanted:
                return d
        choices = {i: fold(f"{d.name} {d.type}") for i, d in enumerate(devices)}
        match = process.extractOne(target, choices, scorer=fuzz.WRatio, score_cutoff=DEVICE_CUTOFF)
        return devices[match[2]] if match else None


# action name -> GuildSession method (one table for every session)
HANDLERS: dict[str, Callable[[GuildSession, Any, Context], Awaitable[Outcome]]] = {
    "play": GuildSession._play,
    "pause": GuildSession._pause,
    "resume": GuildSession._resume,
    "skip": GuildSession._skip,
    "previous": GuildSession._previous,
    "seek": GuildSession._seek,
    "volume": GuildSession._volume,
    "shuffle": GuildSession._shuffle,
    "repeat": GuildSession._repeat,
    "queue_add": GuildSession._queue_add,
    "show_queue": GuildSession._show_queue,
    "now_playing": GuildSession._now_playing,
    "like": GuildSession._like,
    "add_to_playlist": GuildSession._add_to_playlist,
    "create_playlist": GuildSession._create_playlist,
    "recommend": GuildSession._recommend,
    "devices": GuildSession._devices_action,
    "transfer": GuildSession._transfer,
    "search": GuildSession._search_action,
}
