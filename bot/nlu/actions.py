"""The action schema: the only things the bot can be asked to do.

Every parser (local rules or an LLM) must produce these models; anything else fails validation.
The names are a public contract (the `parse` CLI prints them), keep them stable.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

Kind = Literal["track", "artist", "album", "playlist", "genre", "any"]
SearchKind = Literal["track", "artist", "album", "playlist"]

MAX_QUERY = 200
MAX_TEXT = 1500


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Play(_Action):
    action: Literal["play"] = "play"
    query: str = Field(min_length=1, max_length=MAX_QUERY)
    kind: Kind = "any"


class Pause(_Action):
    action: Literal["pause"] = "pause"


class Resume(_Action):
    action: Literal["resume"] = "resume"


class Skip(_Action):
    action: Literal["skip"] = "skip"
    count: int = Field(default=1, ge=1, le=50)


class Previous(_Action):
    action: Literal["previous"] = "previous"


class Seek(_Action):
    """Jump to `position_s` or move by `delta_s` (negative = back). Exactly one is set."""

    action: Literal["seek"] = "seek"
    position_s: int | None = Field(default=None, ge=0, le=24 * 3600)
    delta_s: int | None = Field(default=None, ge=-24 * 3600, le=24 * 3600)

    @model_validator(mode="after")
    def _exactly_one(self) -> Seek:
        if (self.position_s is None) == (self.delta_s is None):
            raise ValueError("seek needs exactly one of position_s or delta_s")
        return self


class Volume(_Action):
    """Set `level` (0..100, mute = 0) or change by `delta` (-100..100). Exactly one is set."""

    action: Literal["volume"] = "volume"
    level: int | None = Field(default=None, ge=0, le=100)
    delta: int | None = Field(default=None, ge=-100, le=100)

    @model_validator(mode="after")
    def _exactly_one(self) -> Volume:
        if (self.level is None) == (self.delta is None):
            raise ValueError("volume needs exactly one of level or delta")
        return self


class Shuffle(_Action):
    action: Literal["shuffle"] = "shuffle"
    on: bool = True


class Repeat(_Action):
    action: Literal["repeat"] = "repeat"
    mode: Literal["off", "track", "context"] = "context"


class QueueAdd(_Action):
    action: Literal["queue_add"] = "queue_add"
    query: str = Field(min_length=1, max_length=MAX_QUERY)
    kind: Kind = "any"


class ShowQueue(_Action):
    action: Literal["show_queue"] = "show_queue"


class NowPlaying(_Action):
    action: Literal["now_playing"] = "now_playing"


class Like(_Action):
    action: Literal["like"] = "like"


class AddToPlaylist(_Action):
    """Add `query` (or the current track when None) to the user's playlist named `playlist`."""

    action: Literal["add_to_playlist"] = "add_to_playlist"
    playlist: str = Field(min_length=1, max_length=MAX_QUERY)
    query: str | None = Field(default=None, min_length=1, max_length=MAX_QUERY)


class CreatePlaylist(_Action):
    action: Literal["create_playlist"] = "create_playlist"
    name: str = Field(min_length=1, max_length=100)


class Recommend(_Action):
    action: Literal["recommend"] = "recommend"
    prompt: str = Field(min_length=1, max_length=500)
    count: int = Field(default=5, ge=1, le=20)


class DjStart(_Action):
    """Keep the guild's queue going with songs that fit `vibe` (DJ mode); a server-only action."""

    action: Literal["dj_start"] = "dj_start"
    vibe: str = Field(min_length=1, max_length=200)


class DjStop(_Action):
    action: Literal["dj_stop"] = "dj_stop"


class Devices(_Action):
    action: Literal["devices"] = "devices"


class Transfer(_Action):
    action: Literal["transfer"] = "transfer"
    device: str = Field(min_length=1, max_length=100)


class Search(_Action):
    action: Literal["search"] = "search"
    query: str = Field(min_length=1, max_length=MAX_QUERY)
    kind: Kind = "any"


class Help(_Action):
    action: Literal["help"] = "help"


class Reply(_Action):
    """A conversational answer to a music question; no playback effect."""

    action: Literal["reply"] = "reply"
    text: str = Field(min_length=1, max_length=MAX_TEXT)


Action = Annotated[
    Play
    | Pause
    | Resume
    | Skip
    | Previous
    | Seek
    | Volume
    | Shuffle
    | Repeat
    | QueueAdd
    | ShowQueue
    | NowPlaying
    | Like
    | AddToPlaylist
    | CreatePlaylist
    | Recommend
    | DjStart
    | DjStop
    | Devices
    | Transfer
    | Search
    | Help
    | Reply,
    Field(discriminator="action"),
]

ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)
ACTION_LIST_ADAPTER: TypeAdapter[list[Action]] = TypeAdapter(list[Action])

ACTION_NAMES: tuple[str, ...] = (
    "play",
    "pause",
    "resume",
    "skip",
    "previous",
    "seek",
    "volume",
    "shuffle",
    "repeat",
    "queue_add",
    "show_queue",
    "now_playing",
    "like",
    "add_to_playlist",
    "create_playlist",
    "recommend",
    "dj_start",
    "dj_stop",
    "devices",
    "transfer",
    "search",
    "help",
    "reply",
)

# Actions that change what is playing or the linked account's library: refused without control permission.
CONTROL_ACTIONS: frozenset[str] = frozenset(
    {
        "play",
        "pause",
        "resume",
        "skip",
        "previous",
        "seek",
        "volume",
        "shuffle",
        "repeat",
        "queue_add",
        "transfer",
        "like",
        "add_to_playlist",
        "create_playlist",
        "dj_start",
        "dj_stop",
    }
)


def action_dump(action: _Action) -> dict[str, object]:
    """The JSON form of an action, without unset optional fields (what `parse` prints)."""
    return action.model_dump(mode="json", exclude_none=True)
