"""What carrying out one action produced, in a form every surface (Discord, terminal) can render."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.errors import UserFacingError
from bot.i18n import t


@dataclass(frozen=True, slots=True)
class TrackInfo:
    uri: str
    name: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    art_url: str | None = None
    duration_ms: int = 0

    @property
    def label(self) -> str:
        """'Title — Artist, Artist'."""
        return f"{self.name} — {', '.join(self.artists)}" if self.artists else self.name


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: str
    name: str
    type: str = "Computer"
    is_active: bool = False
    volume: int | None = None


@dataclass(frozen=True, slots=True)
class PlaybackInfo:
    track: TrackInfo | None
    is_playing: bool
    progress_ms: int = 0
    device: DeviceInfo | None = None
    volume: int | None = None
    shuffle: bool = False
    repeat: str = "off"  # off | track | context


@dataclass(slots=True)
class Outcome:
    """The result of one action. `key`/`params` is the i18n message; the rest is data to render."""

    action: str
    ok: bool
    key: str
    params: dict[str, object] = field(default_factory=dict)
    playback: PlaybackInfo | None = None
    tracks: list[TrackInfo] = field(default_factory=list)
    devices: list[DeviceInfo] = field(default_factory=list)
    error: UserFacingError | None = None

    def message(self, lang: str | None) -> str:
        if self.error is not None:
            return self.error.message(lang)
        return t(self.key, lang, **self.params)

    @classmethod
    def failed(cls, action: str, error: UserFacingError) -> Outcome:
        return cls(action=action, ok=False, key=error.key, params=dict(error.params), error=error)
