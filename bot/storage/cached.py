"""A read-through cache in front of any Repository: guild settings and linked accounts without a database hop.

Every command reads its guild's settings (which account the guild acts on) and, in production, the linked
account behind the access token; with aiosqlite each read is a hop onto the connection's thread and back. The
cache is correct only if every write goes through this wrapper: build it once and pass the same object to
every service. Writes invalidate first, then write; a read that raced a write is not stored.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from contextlib import AbstractAsyncContextManager
from typing import Generic, TypeVar

from bot.storage.repository import GuildSettings, LinkedAccount, OAuthState, Repository, SpotifyToken

K = TypeVar("K")
V = TypeVar("V")

DEFAULT_MAX_ENTRIES = 10_000


class _Lru(Generic[K, V]):
    """A bounded mapping that forgets the least recently used entry; `generation` changes on every write."""

    def __init__(self, max_entries: int) -> None:
        self._max = max(1, max_entries)
        self._items: OrderedDict[K, V] = OrderedDict()
        self.generation = 0

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        self.generation += 1
        self._items.pop(key, None)

    def clear(self) -> None:
        self.generation += 1
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def _copy_account(account: LinkedAccount) -> LinkedAccount:
    """A copy callers may change without changing the cached entry."""
    return dataclasses.replace(account, token=dataclasses.replace(account.token), scopes=list(account.scopes))


class CachedRepository:
    """Implements Repository over `inner`, caching get_guild_settings and get_account (copies are returned)."""

    def __init__(self, inner: Repository, *, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.inner = inner
        self._guilds: _Lru[int, GuildSettings] = _Lru(max_entries)
        self._accounts: _Lru[int, LinkedAccount] = _Lru(max_entries)

    @property
    def cached_guilds(self) -> int:
        return len(self._guilds)

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        cached = self._guilds.get(guild_id)
        if cached is not None:
            return dataclasses.replace(cached)
        generation = self._guilds.generation
        settings = await self.inner.get_guild_settings(guild_id)
        if generation == self._guilds.generation:
            self._guilds.put(guild_id, dataclasses.replace(settings))
        return settings

    async def update_guild_settings(self, guild_id: int, **changes: object) -> GuildSettings:
        self._guilds.drop(guild_id)
        try:
            return await self.inner.update_guild_settings(guild_id, **changes)
        finally:
            self._guilds.drop(guild_id)

    async def get_account(self, user_id: int) -> LinkedAccount | None:
        cached = self._accounts.get(user_id)
        if cached is not None:
            return _copy_account(cached)
        generation = self._accounts.generation
        account = await self.inner.get_account(user_id)
        if account is not None and generation == self._accounts.generation:
            self._accounts.put(user_id, _copy_account(account))
        return account

    async def save_account(self, account: LinkedAccount) -> None:
        self._accounts.drop(account.user_id)
        try:
            await self.inner.save_account(account)
        finally:
            self._accounts.drop(account.user_id)

    async def update_token(self, user_id: int, token: SpotifyToken) -> None:
        self._accounts.drop(user_id)
        try:
            await self.inner.update_token(user_id, token)
        finally:
            self._accounts.drop(user_id)

    async def replace_token(self, user_id: int, token: SpotifyToken, *, refreshed_from: str | None) -> bool:
        self._accounts.drop(user_id)
        try:
            return await self.inner.replace_token(user_id, token, refreshed_from=refreshed_from)
        finally:
            self._accounts.drop(user_id)

    async def mark_needs_relink(self, user_id: int, *, if_refresh_token: str | None = None) -> bool:
        self._accounts.drop(user_id)
        try:
            return await self.inner.mark_needs_relink(user_id, if_refresh_token=if_refresh_token)
        finally:
            self._accounts.drop(user_id)

    async def claim_controller(self, guild_id: int, user_id: int) -> bool:
        self._guilds.drop(guild_id)
        try:
            return await self.inner.claim_controller(guild_id, user_id)
        finally:
            self._guilds.drop(guild_id)

    async def delete_account(self, user_id: int) -> bool:
        """Guilds this user controlled lose their controller: every cached guild is dropped."""
        self._accounts.drop(user_id)
        self._guilds.clear()
        try:
            return await self.inner.delete_account(user_id)
        finally:
            self._accounts.drop(user_id)
            self._guilds.clear()

    async def save_oauth_state(self, state: OAuthState) -> None:
        await self.inner.save_oauth_state(state)

    async def pop_oauth_state(self, state: str) -> OAuthState | None:
        return await self.inner.pop_oauth_state(state)

    async def hold_until(self, key: str, until: float) -> float:
        return await self.inner.hold_until(key, until)

    async def get_hold(self, key: str) -> float:
        return await self.inner.get_hold(key)

    async def add_usage(self, key: str, window_start: int, amount: int) -> int:
        return await self.inner.add_usage(key, window_start, amount)

    async def get_usage(self, key: str, window_start: int) -> int:
        return await self.inner.get_usage(key, window_start)

    def refresh_lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        return self.inner.refresh_lock(user_id)

    async def get_meta(self, key: str) -> str | None:
        return await self.inner.get_meta(key)

    async def set_meta(self, key: str, value: str) -> None:
        await self.inner.set_meta(key, value)

    async def save_dj_state(self, guild_id: int, state: str) -> None:
        await self.inner.save_dj_state(guild_id, state)

    async def delete_dj_state(self, guild_id: int) -> bool:
        return await self.inner.delete_dj_state(guild_id)

    async def dj_states(self) -> dict[int, str]:
        return await self.inner.dj_states()

    async def close(self) -> None:
        self._guilds.clear()
        self._accounts.clear()
        await self.inner.close()
