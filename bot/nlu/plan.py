"""What a request carries in (`Context`) and what parsing gives back (`Plan`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.nlu.actions import Action, action_dump

Lang = Literal["en", "es"]


@dataclass(frozen=True, slots=True)
class Context:
    """Who asked, where, and what they may do. Built by the adapter (cog or terminal chat)."""

    user_id: int
    guild_id: int | None = None
    channel_id: int | None = None
    locale: Lang = "en"
    is_dm: bool = False
    can_control: bool = True
    current_track: str | None = None  # "Title — Artist", given to the LLM when known
    lang_locked: bool = (
        False  # True when a guild setting fixes the language: replies ignore the text's language
    )

    @property
    def session_key(self) -> str:
        """Which Spotify session acts: the guild's, or the user's own in a DM."""
        return f"user:{self.user_id}" if self.is_dm or self.guild_id is None else f"guild:{self.guild_id}"


class Plan(BaseModel):
    """Validated actions for one message, with where they came from and what they cost."""

    model_config = ConfigDict(frozen=True)

    actions: list[Action] = Field(default_factory=list)
    lang: Lang = "en"
    source: str = "none"  # "rules", "groq:<model>", "openrouter:<model>", "cache:<provider>:<model>", "none"
    latency_ms: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # Why there are no actions when it is not "not understood" (an i18n key, e.g. "llm.over_quota"), and its
    # message parameters. None: the text was read and is not a command.
    failure_key: str | None = None
    failure_params: dict[str, int] = Field(default_factory=dict)

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_json_dict(self, text: str) -> dict[str, object]:
        """The line `python -m bot parse` prints for `text`."""
        return {
            "text": text,
            "lang": self.lang,
            "source": self.source,
            "actions": [action_dump(a) for a in self.actions],
        }
