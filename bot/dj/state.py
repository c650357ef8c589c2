"""One guild's DJ session as stored in the database (a JSON document), so it survives a restart."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_REMEMBERED = 500  # uris of the session kept to avoid repeats (a long evening is ~150 songs)
MAX_LABELS = 30


@dataclass(slots=True)
class DjState:
    guild_id: int
    vibe: str
    lang: str
    started_by: int  # the Discord member who started it
    controller_user_id: int  # whose Spotify account the guild played on when it started
    started_at: float  # unix seconds
    played: list[str] = field(default_factory=list)  # uris queued in this session: never again
    labels: list[str] = field(default_factory=list)  # "Title — Artist" of the latest, for the prompt
    buffer: list[dict[str, Any]] = field(default_factory=list)  # resolved picks not queued yet
    idle_since: float | None = None  # unix seconds playback was first seen stopped
    queued: int = 0  # tracks the DJ added
    batches: int = 0  # model calls made

    def remember(self, uri: str, label: str) -> None:
        self.played.append(uri)
        self.labels.append(label)
        del self.played[:-MAX_REMEMBERED]
        del self.labels[:-MAX_LABELS]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> DjState:
        raw = json.loads(text)
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)
