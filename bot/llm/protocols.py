"""What the rest of the bot asks of the LLM layer, as protocols (so tests and the demo can plug in fakes)."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field


class TrackSuggestion(BaseModel):
    """One track the LLM proposes; resolved to a real track through Spotify search."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(min_length=1, max_length=200)
    artist: str = Field(min_length=1, max_length=200)


class TrackSuggester(Protocol):
    async def suggest_tracks(self, prompt: str, count: int, lang: str) -> list[TrackSuggestion]:
        """Propose `count` real tracks for `prompt`. Raises `LLMUnavailable` when no model answers."""
        ...
