"""One user's playback state machine: devices, context, queue, shuffle, repeat and progress over time."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RESTART_THRESHOLD_MS = 3000  # "previous" later than this into a track restarts it instead


@dataclass(slots=True)
class PlayerState:
    """Playback state of one user. Read it in assertions; the server mutates it through the methods."""

    devices: list[dict[str, Any]]
    clock: Callable[[], float]
    duration_of: Callable[[str], int]
    render_track: Callable[[str], dict[str, Any]]
    rng: random.Random
    is_playing: bool = False
    context_uri: str | None = None
    tracks: list[str] = field(default_factory=list)  # the list being played (context or explicit uris)
    order: list[int] = field(default_factory=list)  # play order: indices into `tracks`
    pos: int = -1  # index into `order`
    current_uri: str | None = None  # may come from the queue rather than `tracks`
    queue: list[str] = field(default_factory=list)  # uris added with "add to queue"
    shuffle: bool = False
    repeat: str = "off"  # off | track | context
    history: list[tuple[str, str | None, float]] = field(default_factory=list)  # (uri, context, clock time)
    _progress_base: int = 0
    _since: float = 0.0

    # -- what tests read -------------------------------------------------------------------------------
    @property
    def device(self) -> dict[str, Any] | None:
        """The active device, if any."""
        return next((d for d in self.devices if d.get("is_active")), None)

    @property
    def active_device(self) -> dict[str, Any] | None:
        return self.device

    @property
    def volume(self) -> int | None:
        d = self.device
        return None if d is None else d.get("volume_percent")

    @property
    def item(self) -> dict[str, Any] | None:
        """The current TrackObject, or None when nothing is loaded."""
        self.sync()
        return None if self.current_uri is None else self.render_track(self.current_uri)

    @property
    def progress_ms(self) -> int:
        self.sync()
        return self._raw_progress()

    @property
    def upcoming(self) -> list[str]:
        """The queue as the API shows it: queued uris, then the rest of the context (up to 20)."""
        self.sync()
        rest = [self.tracks[i] for i in self.order[self.pos + 1 :]] if self.pos >= 0 else []
        if self.repeat == "context" and self.order:
            rest += [self.tracks[i] for i in self.order[: self.pos + 1]]
        return (self.queue + rest)[:20]

    # -- time ------------------------------------------------------------------------------------------
    def _raw_progress(self) -> int:
        if self.current_uri is None:
            return 0
        if not self.is_playing:
            return self._progress_base
        return self._progress_base + int((self.clock() - self._since) * 1000)

    def _set_progress(self, ms: int) -> None:
        self._progress_base = max(0, ms)
        self._since = self.clock()

    def sync(self) -> None:
        """Advance through tracks that ended while time passed."""
        for _ in range(10_000):
            if not self.is_playing or self.current_uri is None:
                return
            progress = self._raw_progress()
            duration = self.duration_of(self.current_uri)
            if progress < duration:
                return
            overflow = progress - duration
            if self.repeat == "track":
                self._set_progress(overflow)
                continue
            if not self._advance():
                self._stop_at_end()
                return
            self._set_progress(overflow)

    # -- transitions -----------------------------------------------------------------------------------
    def _remember(self) -> None:
        if self.current_uri is not None:
            self.history.append((self.current_uri, self.context_uri, self.clock()))
            del self.history[:-50]

    def _advance(self) -> bool:
        """Move to the next track (queue first); False at the end of the context without repeat."""
        self._remember()
        if self.queue:
            self.current_uri = self.queue.pop(0)
            return True
        if self.pos + 1 < len(self.order):
            self.pos += 1
        elif self.repeat in ("context", "track") and self.order:
            self.pos = 0
        else:
            return False
        self.current_uri = self.tracks[self.order[self.pos]]
        return True

    def _stop_at_end(self) -> None:
        self.is_playing = False
        if self.order:
            self.pos = 0
            self.current_uri = self.tracks[self.order[0]]
        self._set_progress(0)

    def load(self, tracks: list[str], context_uri: str | None, start: int, position_ms: int) -> None:
        """Start playing `tracks` from index `start` (a new context or a list of uris)."""
        self.sync()
        self._remember()
        self.tracks = list(tracks)
        self.context_uri = context_uri
        self.order = list(range(len(self.tracks)))
        if self.shuffle:
            rest = [i for i in self.order if i != start]
            self.rng.shuffle(rest)
            self.order = [start, *rest]
            self.pos = 0
        else:
            self.pos = start
        self.current_uri = self.tracks[start]
        self.is_playing = True
        self._set_progress(position_ms)
        self.sync()

    def resume(self) -> None:
        self.sync()
        self._set_progress(self._raw_progress())
        self.is_playing = True

    def pause(self) -> None:
        self.sync()
        self._set_progress(self._raw_progress())
        self.is_playing = False

    def next(self) -> None:
        self.sync()
        if not self._advance():
            self._stop_at_end()
            return
        self.is_playing = True
        self._set_progress(0)

    def previous(self) -> None:
        self.sync()
        if self._raw_progress() > RESTART_THRESHOLD_MS or self.pos < 0:
            self._set_progress(0)
            self.is_playing = True
            return
        in_list = self.current_uri == self.tracks[self.order[self.pos]]
        if in_list:
            if self.pos > 0:
                self.pos -= 1
            elif self.repeat == "context":
                self.pos = len(self.order) - 1
        self._remember()
        self.current_uri = self.tracks[self.order[self.pos]]
        self.is_playing = True
        self._set_progress(0)

    def seek(self, position_ms: int) -> None:
        self.sync()
        self._set_progress(position_ms)
        self.sync()

    def set_shuffle(self, state: bool) -> None:
        self.sync()
        if state == self.shuffle:
            return
        self.shuffle = state
        if not self.order:
            return
        current = self.order[self.pos] if self.pos >= 0 else 0
        if state:
            rest = [i for i in range(len(self.tracks)) if i != current]
            self.rng.shuffle(rest)
            self.order = [current, *rest]
            self.pos = 0
        else:
            self.order = list(range(len(self.tracks)))
            self.pos = current

    def add_to_queue(self, uri: str) -> None:
        self.sync()
        self.queue.append(uri)

    def activate(self, device_id: str) -> None:
        for d in self.devices:
            d["is_active"] = d["id"] == device_id

    def deactivate_all(self) -> None:
        """Simulate every device going idle (the next command gets NO_ACTIVE_DEVICE)."""
        self.pause()
        for d in self.devices:
            d["is_active"] = False
