"""An in-memory `Repository` with the same behaviour as SQLite, for tests of other parts."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
from contextlib import AbstractAsyncContextManager

from bot.storage.locks import KeyedLocks
from bot.storage.repository import GuildSettings, LinkedAccount, OAuthState, SpotifyToken
from bot.storage.sqlite import check_guild_changes


class MemoryRepository:
    """Dict-backed; every value is copied in and out, so callers never share mutable state with it."""

    def __init__(self) -> None:
        self._guilds: dict[int, GuildSettings] = {}
        self._accounts: dict[int, LinkedAccount] = {}
        self._states: dict[str, OAuthState] = {}
        self._meta: dict[str, str] = {}
        self._lock = asyncio.Lock()
        self._holds: dict[str, float] = {}
        self._counters: dict[tuple[str, int], int] = {}
        self._refresh_locks = KeyedLocks()
        self._dj: dict[int, str] = {}

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        return copy.deepcopy(self._guilds.get(guild_id) or GuildSettings(guild_id=guild_id))

    async def update_guild_settings(self, guild_id: int, **changes: object) -> GuildSettings:
        check_guild_changes(changes)
        async with self._lock:
            current = self._guilds.get(guild_id) or GuildSettings(guild_id=guild_id)
            updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
            self._guilds[guild_id] = updated
            return copy.deepcopy(updated)

    async def get_account(self, user_id: int) -> LinkedAccount | None:
        account = self._accounts.get(user_id)
        return copy.deepcopy(account) if account is not None else None

    async def save_account(self, account: LinkedAccount) -> None:
        self._accounts[account.user_id] = copy.deepcopy(account)

    async def update_token(self, user_id: int, token: SpotifyToken) -> None:
        account = self._accounts.get(user_id)
        if account is not None:
            account.token = copy.deepcopy(token)

    async def replace_token(self, user_id: int, token: SpotifyToken, *, refreshed_from: str | None) -> bool:
        account = self._accounts.get(user_id)
        if account is None or account.token.refresh_token != refreshed_from:
            return False
        account.token = copy.deepcopy(token)
        return True

    async def mark_needs_relink(self, user_id: int, *, if_refresh_token: str | None = None) -> bool:
        account = self._accounts.get(user_id)
        if account is None or (
            if_refresh_token is not None and account.token.refresh_token != if_refresh_token
        ):
            return False
        account.needs_relink = True
        return True

    async def claim_controller(self, guild_id: int, user_id: int) -> bool:
        async with self._lock:
            current = self._guilds.get(guild_id) or GuildSettings(guild_id=guild_id)
            if current.controller_user_id is None:
                self._guilds[guild_id] = dataclasses.replace(current, controller_user_id=user_id)
                return True
            return current.controller_user_id == user_id

    async def delete_account(self, user_id: int) -> bool:
        """Forget the user's link; guilds they controlled lose their controller (as in SQLite)."""
        async with self._lock:
            for settings in self._guilds.values():
                if settings.controller_user_id == user_id:
                    settings.controller_user_id = None
            return self._accounts.pop(user_id, None) is not None

    async def save_oauth_state(self, state: OAuthState) -> None:
        self._states[state.state] = copy.deepcopy(state)

    async def pop_oauth_state(self, state: str) -> OAuthState | None:
        return self._states.pop(state, None)

    async def hold_until(self, key: str, until: float) -> float:
        self._holds[key] = max(self._holds.get(key, 0.0), until)
        return self._holds[key]

    async def get_hold(self, key: str) -> float:
        return self._holds.get(key, 0.0)

    async def add_usage(self, key: str, window_start: int, amount: int) -> int:
        for old in [k for k in self._counters if k[0] == key and k[1] < window_start - 1]:
            del self._counters[old]
        total = self._counters.get((key, window_start), 0) + amount
        self._counters[(key, window_start)] = total
        return total

    async def get_usage(self, key: str, window_start: int) -> int:
        return self._counters.get((key, window_start), 0)

    def refresh_lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        return self._refresh_locks.hold(user_id)

    async def get_meta(self, key: str) -> str | None:
        return self._meta.get(key)

    async def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value

    async def save_dj_state(self, guild_id: int, state: str) -> None:
        self._dj[guild_id] = state

    async def delete_dj_state(self, guild_id: int) -> bool:
        return self._dj.pop(guild_id, None) is not None

    async def dj_states(self) -> dict[int, str]:
        return dict(self._dj)

    async def close(self) -> None:
        return None
