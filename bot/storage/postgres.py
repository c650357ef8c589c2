"""The PostgreSQL implementation of `Repository` (asyncpg pool), for several bot processes sharing one store.

Every read goes to the database (no cache in front of it), so a change one process makes is seen by the next
read of any other process. Writes that merge into a row are single statements (`INSERT .. ON CONFLICT .. DO
UPDATE` touching only the changed columns), so two processes changing one guild lose nothing. Token refreshes
are single-flight across processes through a session-level advisory lock per user.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg

from bot.storage.crypto import TokenCipher, WrongEncryptionKey
from bot.storage.locks import KeyedLocks
from bot.storage.migrations import apply_postgres_migrations
from bot.storage.repository import GuildSettings, LinkedAccount, OAuthState, SpotifyToken
from bot.storage.sqlite import _KEY_CHECK_NAME, _KEY_CHECK_PLAINTEXT, STATE_RETENTION_S, check_guild_changes

log = logging.getLogger(__name__)

DEFAULT_POOL_SIZE = 10

_GUILD_COLUMNS = "language, dj_role_id, controller_user_id, announce_channel_id, spotify_client_id"
_ACCOUNT_COLUMNS = (
    "spotify_id, display_name, client_id, scopes, token_encrypted, token_expires_at, token_scope, "
    "needs_relink, linked_at"
)


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


class PostgresRepository:
    """All persistent data in PostgreSQL. Build it with `await PostgresRepository.open(dsn, cipher)`."""

    def __init__(self, pool: asyncpg.Pool, cipher: TokenCipher, *, pool_size: int) -> None:
        self._pool = pool
        self._cipher = cipher
        self._local_refresh = KeyedLocks()
        # A refresh holds one pooled connection for its advisory lock and needs another for its reads and
        # writes: at most half the pool may hold refresh locks, so the holders can always finish.
        self._lock_slots = asyncio.Semaphore(max(1, pool_size // 2))
        self._closed = False

    @classmethod
    async def open(
        cls, dsn: str, cipher: TokenCipher, *, pool_size: int = DEFAULT_POOL_SIZE
    ) -> PostgresRepository:
        """Connect, migrate (serialised across processes), check the encryption key."""
        pool_size = max(2, pool_size)
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=pool_size, command_timeout=30)
        try:
            async with pool.acquire() as conn:
                await apply_postgres_migrations(conn)
            repo = cls(pool, cipher, pool_size=pool_size)
            await repo._check_key()
        except BaseException:
            await pool.close()
            raise
        return repo

    async def _check_key(self) -> None:
        await self._pool.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            _KEY_CHECK_NAME,
            self._cipher.encrypt(_KEY_CHECK_PLAINTEXT),
        )
        stored = await self._pool.fetchval("SELECT value FROM meta WHERE key = $1", _KEY_CHECK_NAME)
        try:
            self._cipher.decrypt(str(stored))
        except WrongEncryptionKey:
            raise WrongEncryptionKey("(checked when opening the database)") from None

    # -- guild settings -------------------------------------------------------------------------------

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        row = await self._pool.fetchrow(
            f"SELECT {_GUILD_COLUMNS} FROM guild_settings WHERE guild_id = $1", guild_id
        )
        if row is None:
            return GuildSettings(guild_id=guild_id)
        return GuildSettings(guild_id, row[0], row[1], row[2], row[3], row[4])

    async def update_guild_settings(self, guild_id: int, **changes: object) -> GuildSettings:
        """Apply `changes` in one statement that touches only the changed columns, and return the row."""
        check_guild_changes(changes)
        names = list(changes)  # checked against GUILD_SETTING_TYPES: safe to put in the statement
        columns = ", ".join(["guild_id", *names, "updated_at"])
        params = ", ".join(f"${i}" for i in range(1, len(names) + 3))
        updates = ", ".join([*(f"{n} = excluded.{n}" for n in names), "updated_at = excluded.updated_at"])
        row = await self._pool.fetchrow(
            f"INSERT INTO guild_settings ({columns}) VALUES ({params}) "
            f"ON CONFLICT (guild_id) DO UPDATE SET {updates} RETURNING {_GUILD_COLUMNS}",
            guild_id,
            *changes.values(),
            time.time(),
        )
        assert row is not None
        return GuildSettings(guild_id, row[0], row[1], row[2], row[3], row[4])

    # -- linked accounts ------------------------------------------------------------------------------

    def _encrypt_token(self, token: SpotifyToken) -> str:
        secret = {"access_token": token.access_token, "refresh_token": token.refresh_token}
        return self._cipher.encrypt(json.dumps(secret, separators=(",", ":")))

    def _decrypt_token(self, blob: str, expires_at: float, scope: str) -> SpotifyToken:
        secret: dict[str, Any] = json.loads(self._cipher.decrypt(blob))
        return SpotifyToken(
            access_token=str(secret["access_token"]),
            refresh_token=secret.get("refresh_token"),
            expires_at=float(expires_at),
            scope=scope,
        )

    async def get_account(self, user_id: int) -> LinkedAccount | None:
        row = await self._pool.fetchrow(
            f"SELECT {_ACCOUNT_COLUMNS} FROM linked_accounts WHERE user_id = $1", user_id
        )
        if row is None:
            return None
        return LinkedAccount(
            user_id=user_id,
            spotify_id=row[0],
            display_name=row[1],
            client_id=row[2],
            scopes=row[3].split(),
            token=self._decrypt_token(row[4], row[5], row[6]),
            needs_relink=bool(row[7]),
            linked_at=float(row[8]),
        )

    async def save_account(self, account: LinkedAccount) -> None:
        await self._pool.execute(
            "INSERT INTO linked_accounts (user_id, spotify_id, display_name, client_id, scopes, "
            "token_encrypted, token_expires_at, token_scope, needs_relink, linked_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (user_id) DO UPDATE SET "
            "spotify_id = excluded.spotify_id, display_name = excluded.display_name, "
            "client_id = excluded.client_id, scopes = excluded.scopes, "
            "token_encrypted = excluded.token_encrypted, token_expires_at = excluded.token_expires_at, "
            "token_scope = excluded.token_scope, needs_relink = excluded.needs_relink, "
            "linked_at = excluded.linked_at, updated_at = excluded.updated_at",
            account.user_id,
            account.spotify_id,
            account.display_name,
            account.client_id,
            " ".join(account.scopes),
            self._encrypt_token(account.token),
            account.token.expires_at,
            account.token.scope,
            int(account.needs_relink),
            account.linked_at,
            time.time(),
        )

    async def update_token(self, user_id: int, token: SpotifyToken) -> None:
        await self._pool.execute(
            "UPDATE linked_accounts SET token_encrypted = $1, token_expires_at = $2, token_scope = $3, "
            "updated_at = $4 WHERE user_id = $5",
            self._encrypt_token(token),
            token.expires_at,
            token.scope,
            time.time(),
            user_id,
        )

    async def _stored_refresh_token(self, conn: asyncpg.Connection, user_id: int) -> tuple[bool, str | None]:
        """(linked?, the stored refresh token), with the row locked until the caller's transaction ends."""
        row = await conn.fetchrow(
            "SELECT token_encrypted, token_expires_at, token_scope FROM linked_accounts "
            "WHERE user_id = $1 FOR UPDATE",
            user_id,
        )
        if row is None:
            return False, None
        return True, self._decrypt_token(row[0], row[1], row[2]).refresh_token

    async def replace_token(self, user_id: int, token: SpotifyToken, *, refreshed_from: str | None) -> bool:
        """Store a refreshed token only while the stored refresh token is `refreshed_from` (row lock)."""
        async with self._pool.acquire() as conn, conn.transaction():
            linked, stored = await self._stored_refresh_token(conn, user_id)
            if not linked or stored != refreshed_from:
                return False
            await conn.execute(
                "UPDATE linked_accounts SET token_encrypted = $1, token_expires_at = $2, token_scope = $3, "
                "updated_at = $4 WHERE user_id = $5",
                self._encrypt_token(token),
                token.expires_at,
                token.scope,
                time.time(),
                user_id,
            )
        return True

    async def mark_needs_relink(self, user_id: int, *, if_refresh_token: str | None = None) -> bool:
        """Flag the link for relinking; with `if_refresh_token`, only while that one is stored (row lock)."""
        async with self._pool.acquire() as conn, conn.transaction():
            linked, stored = await self._stored_refresh_token(conn, user_id)
            if not linked or (if_refresh_token is not None and stored != if_refresh_token):
                return False
            await conn.execute(
                "UPDATE linked_accounts SET needs_relink = 1, updated_at = $1 WHERE user_id = $2",
                time.time(),
                user_id,
            )
        return True

    async def claim_controller(self, guild_id: int, user_id: int) -> bool:
        controller = await self._pool.fetchval(
            "INSERT INTO guild_settings (guild_id, controller_user_id, updated_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (guild_id) DO UPDATE SET controller_user_id = excluded.controller_user_id, "
            "updated_at = excluded.updated_at WHERE guild_settings.controller_user_id IS NULL "
            "RETURNING controller_user_id",
            guild_id,
            user_id,
            time.time(),
        )
        if controller is None:  # someone controls it already: is it this user?
            controller = await self._pool.fetchval(
                "SELECT controller_user_id FROM guild_settings WHERE guild_id = $1", guild_id
            )
        return bool(controller == user_id)

    async def delete_account(self, user_id: int) -> bool:
        """Forget the user's link; guilds they controlled lose their controller (one transaction)."""
        async with self._pool.acquire() as conn, conn.transaction():
            status = await conn.execute("DELETE FROM linked_accounts WHERE user_id = $1", user_id)
            await conn.execute(
                "UPDATE guild_settings SET controller_user_id = NULL, updated_at = $1 "
                "WHERE controller_user_id = $2",
                time.time(),
                user_id,
            )
        return not str(status).endswith(" 0")

    # -- pending OAuth states -------------------------------------------------------------------------

    async def save_oauth_state(self, state: OAuthState) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM oauth_states WHERE created_at < $1", state.created_at - STATE_RETENTION_S
            )
            await conn.execute(
                "INSERT INTO oauth_states (state, user_id, guild_id, code_verifier_encrypted, client_id, "
                "redirect_uri, lang, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                "ON CONFLICT (state) DO UPDATE SET user_id = excluded.user_id, guild_id = excluded.guild_id, "
                "code_verifier_encrypted = excluded.code_verifier_encrypted, client_id = excluded.client_id, "
                "redirect_uri = excluded.redirect_uri, lang = excluded.lang, created_at = excluded.created_at",
                state.state,
                state.user_id,
                state.guild_id,
                self._cipher.encrypt(state.code_verifier),
                state.client_id,
                state.redirect_uri,
                state.lang,
                state.created_at,
            )

    async def pop_oauth_state(self, state: str) -> OAuthState | None:
        row = await self._pool.fetchrow(
            "DELETE FROM oauth_states WHERE state = $1 RETURNING user_id, guild_id, "
            "code_verifier_encrypted, client_id, redirect_uri, lang, created_at",
            state,
        )
        if row is None:
            return None
        return OAuthState(
            state=state,
            user_id=row[0],
            guild_id=row[1],
            code_verifier=self._cipher.decrypt(row[2]),
            client_id=row[3],
            redirect_uri=row[4],
            created_at=float(row[6]),
            lang=row[5],
        )

    # -- shared state ---------------------------------------------------------------------------------

    async def hold_until(self, key: str, until: float) -> float:
        value = await self._pool.fetchval(
            "INSERT INTO shared_holds (key, held_until) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET "
            "held_until = GREATEST(shared_holds.held_until, excluded.held_until) RETURNING held_until",
            key,
            until,
        )
        return float(value)

    async def get_meta(self, key: str) -> str | None:
        value = await self._pool.fetchval("SELECT value FROM meta WHERE key = $1", key)
        return None if value is None else str(value)

    async def set_meta(self, key: str, value: str) -> None:
        await self._pool.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            key,
            value,
        )

    async def get_hold(self, key: str) -> float:
        value = await self._pool.fetchval("SELECT held_until FROM shared_holds WHERE key = $1", key)
        return float(value) if value is not None else 0.0

    async def add_usage(self, key: str, window_start: int, amount: int) -> int:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM shared_counters WHERE key = $1 AND window_start < $2", key, window_start - 1
            )
            value = await conn.fetchval(
                "INSERT INTO shared_counters (key, window_start, amount) VALUES ($1, $2, $3) "
                "ON CONFLICT (key, window_start) DO UPDATE SET "
                "amount = shared_counters.amount + excluded.amount RETURNING amount",
                key,
                window_start,
                amount,
            )
        return int(value)

    async def get_usage(self, key: str, window_start: int) -> int:
        value = await self._pool.fetchval(
            "SELECT amount FROM shared_counters WHERE key = $1 AND window_start = $2", key, window_start
        )
        return int(value) if value is not None else 0

    def refresh_lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        return self._refresh_lock(user_id)

    @asynccontextmanager
    async def _refresh_lock(self, user_id: int) -> AsyncIterator[None]:
        # Waiters of this process queue on an asyncio lock, so one connection per user waits in PostgreSQL.
        async with self._local_refresh.hold(user_id), self._lock_slots, self._pool.acquire() as conn:
            key = f"bot:token-refresh:{user_id}"
            await conn.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", key)
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key)

    async def save_dj_state(self, guild_id: int, state: str) -> None:
        await self._pool.execute(
            "INSERT INTO dj_sessions (guild_id, state, updated_at) VALUES ($1, $2, $3) ON CONFLICT (guild_id) "
            "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            guild_id,
            state,
            time.time(),
        )

    async def delete_dj_state(self, guild_id: int) -> bool:
        status = await self._pool.execute("DELETE FROM dj_sessions WHERE guild_id = $1", guild_id)
        return str(status).endswith(" 1")

    async def dj_states(self) -> dict[int, str]:
        rows = await self._pool.fetch("SELECT guild_id, state FROM dj_sessions")
        return {int(row["guild_id"]): str(row["state"]) for row in rows}

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._pool.close()

    def __repr__(self) -> str:
        return "PostgresRepository()"
