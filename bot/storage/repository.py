"""The storage interface every caller uses: SQLite (one process) and PostgreSQL (several) implement it."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(slots=True)
class GuildSettings:
    guild_id: int
    language: str | None = None  # None = follow each user's Discord locale
    dj_role_id: int | None = None  # None = everyone controls playback
    controller_user_id: int | None = None  # whose linked Spotify account the guild session uses
    announce_channel_id: int | None = None
    spotify_client_id: str | None = None  # optional per-guild Spotify app (PKCE, no secret)


@dataclass(slots=True)
class SpotifyToken:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: float  # unix seconds
    scope: str = ""


@dataclass(slots=True)
class LinkedAccount:
    user_id: int  # Discord user
    spotify_id: str
    display_name: str
    client_id: str  # the Spotify app the token belongs to (refresh needs it)
    token: SpotifyToken
    scopes: list[str] = field(default_factory=list)
    needs_relink: bool = False  # set when Spotify answered invalid_grant
    linked_at: float = 0.0


@dataclass(slots=True)
class OAuthState:
    state: str
    user_id: int
    guild_id: int | None
    code_verifier: str = field(repr=False)
    client_id: str
    redirect_uri: str
    created_at: float
    lang: str = "en"


class Repository(Protocol):
    """All persistent data. Methods are async; read-modify-write of one guild is serialised inside."""

    async def get_guild_settings(self, guild_id: int) -> GuildSettings: ...
    async def update_guild_settings(self, guild_id: int, **changes: object) -> GuildSettings:
        """Apply `changes` (GuildSettings field names). Unknown or mistyped fields raise ValueError/TypeError."""
        ...

    async def get_account(self, user_id: int) -> LinkedAccount | None: ...
    async def save_account(self, account: LinkedAccount) -> None: ...
    async def update_token(self, user_id: int, token: SpotifyToken) -> None: ...
    async def replace_token(self, user_id: int, token: SpotifyToken, *, refreshed_from: str | None) -> bool:
        """Compare-and-set: store `token` only while the stored refresh token is `refreshed_from`."""
        ...

    async def mark_needs_relink(self, user_id: int, *, if_refresh_token: str | None = None) -> bool:
        """Flag the link for relinking (with `if_refresh_token`: only while that one is stored)."""
        ...

    async def claim_controller(self, guild_id: int, user_id: int) -> bool:
        """Make `user_id` the guild's controller if it has none, in one step (several processes may race).

        True when the user controls the guild afterwards (newly or already)."""
        ...

    async def delete_account(self, user_id: int) -> bool:
        """Forget the link; guilds this user controlled lose their controller. False if none existed."""
        ...

    async def save_oauth_state(self, state: OAuthState) -> None: ...
    async def pop_oauth_state(self, state: str) -> OAuthState | None:
        """Return and delete the state (single use); None if unknown."""
        ...

    # -- state shared by every process of a deployment (back-off gates, budgets, token refresh) -----------

    async def hold_until(self, key: str, until: float) -> float:
        """Keep `key` held until at least `until` (unix seconds; never shortens a hold). Returns its end."""
        ...

    async def get_hold(self, key: str) -> float:
        """When the hold on `key` ends (unix seconds); 0.0 if it was never held."""
        ...

    async def add_usage(self, key: str, window_start: int, amount: int) -> int:
        """Add `amount` to the counter of (`key`, `window_start`) and return its new total.

        Windows of `key` older than the one before `window_start` are forgotten.
        """
        ...

    async def get_usage(self, key: str, window_start: int) -> int: ...

    def refresh_lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        """Held while one process refreshes the user's token; others wait, then re-read the account."""
        ...

    async def get_meta(self, key: str) -> str | None:
        """A small named value the bot keeps for itself (e.g. the hash of the last synced command tree)."""
        ...

    async def set_meta(self, key: str, value: str) -> None: ...

    # -- DJ mode (bot.dj keeps one JSON document per guild) ---------------------------------------------

    async def save_dj_state(self, guild_id: int, state: str) -> None: ...
    async def delete_dj_state(self, guild_id: int) -> bool: ...
    async def dj_states(self) -> dict[int, str]:
        """Every guild's DJ document (read at start-up to resume)."""
        ...

    async def close(self) -> None: ...
