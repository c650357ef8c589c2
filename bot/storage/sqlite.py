"""The SQLite implementation of `Repository` (aiosqlite, WAL, foreign keys on, tokens encrypted)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.logsafety import quiet_libraries
from bot.storage.crypto import TokenCipher, WrongEncryptionKey
from bot.storage.errors import StorageStartupError
from bot.storage.locks import KeyedLocks
from bot.storage.migrations import apply_migrations
from bot.storage.repository import GuildSettings, LinkedAccount, OAuthState, SpotifyToken

log = logging.getLogger(__name__)

# Pending OAuth states older than this are deleted whenever a new one is saved. The link flow itself refuses
# states after 10 minutes; this only keeps the table small.
STATE_RETENTION_S = 24 * 3600.0

_KEY_CHECK_NAME = "token_key_check"
_KEY_CHECK_PLAINTEXT = "spotify-discord-bot token key check"

GUILD_SETTING_TYPES: dict[str, type] = {
    "language": str,
    "dj_role_id": int,
    "controller_user_id": int,
    "announce_channel_id": int,
    "spotify_client_id": str,
}


def _detail(exc: BaseException | str) -> str:
    """One line of at most 160 characters (SQLite's own reports span several)."""
    text = " ".join(str(exc).replace("*", "").split())
    return text[:160] or type(exc).__name__


async def _has_tables(conn: aiosqlite.Connection) -> bool:
    async with conn.execute("SELECT count(*) FROM sqlite_master") as cur:
        row = await cur.fetchone()
    return bool(row and row[0])


async def _quick_check(conn: aiosqlite.Connection, path: Path) -> None:
    """PRAGMA quick_check: a damaged page is refused at start-up instead of failing some later command."""
    async with conn.execute("PRAGMA quick_check") as cur:
        rows = [str(row[0]) for row in await cur.fetchall()]
    if rows != ["ok"]:
        raise StorageStartupError("storage.damaged", database=path, detail=_detail("; ".join(rows[:2])))


def check_guild_changes(changes: dict[str, object]) -> None:
    """Raise ValueError/TypeError for unknown settings or values of the wrong type (programming errors)."""
    for name, value in changes.items():
        expected = GUILD_SETTING_TYPES.get(name)
        if expected is None:
            raise ValueError(f"unknown guild setting {name!r}")
        if value is None:
            continue
        if not isinstance(value, expected) or isinstance(value, bool):
            raise TypeError(f"guild setting {name!r} must be {expected.__name__} or None")


class SqliteRepository:
    """All persistent data in one SQLite file. Build it with `await SqliteRepository.open(path, cipher)`."""

    def __init__(self, conn: aiosqlite.Connection, cipher: TokenCipher) -> None:
        self._conn = conn
        self._cipher = cipher
        self._write_lock = asyncio.Lock()  # one connection: writes and transactions never interleave
        self._refresh_locks = KeyedLocks()
        self._on_close: list[Callable[[], None]] = []
        self._closed = False

    @classmethod
    async def open(cls, path: Path, cipher: TokenCipher, *, key_file: Path | None = None) -> SqliteRepository:
        """Open (creating directories and the file), check it, enable WAL and foreign keys, migrate, check the key.

        `key_file`: the token key file that existed before this start. A missing or empty database beside it
        means the links were lost (a wrong DATA_DIR, a truncated file): refused instead of starting afresh.
        Every problem is a StorageStartupError whose message says what to do.
        """
        quiet_libraries()  # aiosqlite would log every statement's parameters (OAuth states) at DEBUG
        in_memory = str(path) == ":memory:"
        if not in_memory:
            if key_file is not None and not await asyncio.to_thread(path.exists):
                raise StorageStartupError("storage.missing", database=path, key_file=key_file)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageStartupError("storage.unreadable", database=path, detail=_detail(exc)) from None
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise StorageStartupError("storage.unreadable", database=path, detail=_detail(exc)) from None
        try:
            if key_file is not None and not await _has_tables(conn):
                raise StorageStartupError("storage.emptied", database=path, key_file=key_file)
            if not in_memory:
                await _quick_check(conn, path)
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await apply_migrations(conn)
            repo = cls(conn, cipher)
            await repo._check_key()
        except BaseException as exc:
            await conn.close()
            if isinstance(exc, sqlite3.OperationalError):
                raise StorageStartupError("storage.unreadable", database=path, detail=_detail(exc)) from None
            if isinstance(exc, sqlite3.DatabaseError):
                raise StorageStartupError("storage.damaged", database=path, detail=_detail(exc)) from None
            raise
        return repo

    async def _check_key(self) -> None:
        async with self._conn.execute("SELECT value FROM meta WHERE key = ?", (_KEY_CHECK_NAME,)) as cur:
            row = await cur.fetchone()
        if row is None:
            await self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                (_KEY_CHECK_NAME, self._cipher.encrypt(_KEY_CHECK_PLAINTEXT)),
            )
            return
        try:
            self._cipher.decrypt(str(row[0]))
        except WrongEncryptionKey:
            raise WrongEncryptionKey("(checked when opening the database)") from None

    # -- guild settings -------------------------------------------------------------------------------

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        async with self._conn.execute(
            "SELECT language, dj_role_id, controller_user_id, announce_channel_id, spotify_client_id "
            "FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return GuildSettings(guild_id=guild_id)
        return GuildSettings(guild_id, row[0], row[1], row[2], row[3], row[4])

    async def update_guild_settings(self, guild_id: int, **changes: object) -> GuildSettings:
        """Apply `changes` (GuildSettings field names) atomically and return the new settings."""
        check_guild_changes(changes)
        async with self._write_lock:
            current = await self.get_guild_settings(guild_id)
            updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
            await self._conn.execute(
                "INSERT INTO guild_settings (guild_id, language, dj_role_id, controller_user_id, "
                "announce_channel_id, spotify_client_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET language = excluded.language, "
                "dj_role_id = excluded.dj_role_id, controller_user_id = excluded.controller_user_id, "
                "announce_channel_id = excluded.announce_channel_id, "
                "spotify_client_id = excluded.spotify_client_id, updated_at = excluded.updated_at",
                (
                    guild_id,
                    updated.language,
                    updated.dj_role_id,
                    updated.controller_user_id,
                    updated.announce_channel_id,
                    updated.spotify_client_id,
                    time.time(),
                ),
            )
        return updated

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
        async with self._conn.execute(
            "SELECT spotify_id, display_name, client_id, scopes, token_encrypted, token_expires_at, "
            "token_scope, needs_relink, linked_at FROM linked_accounts WHERE user_id = ?",
            (user_id,),
        ) as cur:
            row = await cur.fetchone()
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
        """Insert or replace the user's link (a relink clears needs_relink when the account says so)."""
        async with self._write_lock:
            await self._conn.execute(
                "INSERT INTO linked_accounts (user_id, spotify_id, display_name, client_id, scopes, "
                "token_encrypted, token_expires_at, token_scope, needs_relink, linked_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                "spotify_id = excluded.spotify_id, display_name = excluded.display_name, "
                "client_id = excluded.client_id, scopes = excluded.scopes, "
                "token_encrypted = excluded.token_encrypted, token_expires_at = excluded.token_expires_at, "
                "token_scope = excluded.token_scope, needs_relink = excluded.needs_relink, "
                "linked_at = excluded.linked_at, updated_at = excluded.updated_at",
                (
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
                ),
            )

    async def update_token(self, user_id: int, token: SpotifyToken) -> None:
        async with self._write_lock:
            await self._conn.execute(
                "UPDATE linked_accounts SET token_encrypted = ?, token_expires_at = ?, token_scope = ?, "
                "updated_at = ? WHERE user_id = ?",
                (self._encrypt_token(token), token.expires_at, token.scope, time.time(), user_id),
            )

    async def _stored_refresh_token(self, user_id: int) -> tuple[bool, str | None]:
        """(linked?, the stored refresh token), read inside the caller's transaction."""
        async with self._conn.execute(
            "SELECT token_encrypted, token_expires_at, token_scope FROM linked_accounts WHERE user_id = ?",
            (user_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return False, None
        return True, self._decrypt_token(row[0], row[1], row[2]).refresh_token

    async def replace_token(self, user_id: int, token: SpotifyToken, *, refreshed_from: str | None) -> bool:
        """Store a refreshed token only if the stored refresh token is still `refreshed_from` (one transaction)."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                linked, stored = await self._stored_refresh_token(user_id)
                replaced = linked and stored == refreshed_from
                if replaced:
                    await self._conn.execute(
                        "UPDATE linked_accounts SET token_encrypted = ?, token_expires_at = ?, "
                        "token_scope = ?, updated_at = ? WHERE user_id = ?",
                        (self._encrypt_token(token), token.expires_at, token.scope, time.time(), user_id),
                    )
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")
        return replaced

    async def mark_needs_relink(self, user_id: int, *, if_refresh_token: str | None = None) -> bool:
        """Flag the link as needing a new authorisation; with `if_refresh_token`, only while that is stored."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                linked, stored = await self._stored_refresh_token(user_id)
                marked = linked and (if_refresh_token is None or stored == if_refresh_token)
                if marked:
                    await self._conn.execute(
                        "UPDATE linked_accounts SET needs_relink = 1, updated_at = ? WHERE user_id = ?",
                        (time.time(), user_id),
                    )
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")
        return marked

    async def claim_controller(self, guild_id: int, user_id: int) -> bool:
        async with self._write_lock:
            await self._conn.execute(
                "INSERT INTO guild_settings (guild_id, controller_user_id, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET controller_user_id = excluded.controller_user_id, "
                "updated_at = excluded.updated_at WHERE guild_settings.controller_user_id IS NULL",
                (guild_id, user_id, time.time()),
            )
            async with self._conn.execute(
                "SELECT controller_user_id FROM guild_settings WHERE guild_id = ?", (guild_id,)
            ) as cur:
                row = await cur.fetchone()
        return row is not None and row[0] == user_id

    async def delete_account(self, user_id: int) -> bool:
        """Forget the user's link; guilds they controlled lose their controller (the next linker takes over)."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                cur = await self._conn.execute("DELETE FROM linked_accounts WHERE user_id = ?", (user_id,))
                deleted = cur.rowcount > 0
                await cur.close()
                await self._conn.execute(
                    "UPDATE guild_settings SET controller_user_id = NULL, updated_at = ? "
                    "WHERE controller_user_id = ?",
                    (time.time(), user_id),
                )
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")
        return deleted

    # -- pending OAuth states -------------------------------------------------------------------------

    async def save_oauth_state(self, state: OAuthState) -> None:
        async with self._write_lock:
            await self._conn.execute(
                "DELETE FROM oauth_states WHERE created_at < ?", (state.created_at - STATE_RETENTION_S,)
            )
            await self._conn.execute(
                "INSERT OR REPLACE INTO oauth_states (state, user_id, guild_id, code_verifier_encrypted, "
                "client_id, redirect_uri, lang, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    state.state,
                    state.user_id,
                    state.guild_id,
                    self._cipher.encrypt(state.code_verifier),
                    state.client_id,
                    state.redirect_uri,
                    state.lang,
                    state.created_at,
                ),
            )

    async def pop_oauth_state(self, state: str) -> OAuthState | None:
        """Return and delete the state (single use); None if unknown."""
        async with (
            self._write_lock,
            self._conn.execute(
                "DELETE FROM oauth_states WHERE state = ? RETURNING user_id, guild_id, "
                "code_verifier_encrypted, client_id, redirect_uri, lang, created_at",
                (state,),
            ) as cur,
        ):
            rows = list(await cur.fetchall())
        if not rows:
            return None
        row = rows[0]
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

    # -- shared state (one process: the file lock in bot.storage.factory guarantees it) ----------------

    async def hold_until(self, key: str, until: float) -> float:
        async with (
            self._write_lock,
            self._conn.execute(
                "INSERT INTO shared_holds (key, held_until) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                "held_until = max(held_until, excluded.held_until) RETURNING held_until",
                (key, until),
            ) as cur,
        ):
            row = await cur.fetchone()
        return float(row[0]) if row is not None else until

    async def get_hold(self, key: str) -> float:
        async with self._conn.execute("SELECT held_until FROM shared_holds WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return float(row[0]) if row is not None else 0.0

    async def add_usage(self, key: str, window_start: int, amount: int) -> int:
        async with self._write_lock:
            await self._conn.execute(
                "DELETE FROM shared_counters WHERE key = ? AND window_start < ?", (key, window_start - 1)
            )
            async with self._conn.execute(
                "INSERT INTO shared_counters (key, window_start, amount) VALUES (?, ?, ?) "
                "ON CONFLICT (key, window_start) DO UPDATE SET amount = amount + excluded.amount "
                "RETURNING amount",
                (key, window_start, amount),
            ) as cur:
                row = await cur.fetchone()
        return int(row[0]) if row is not None else amount

    async def get_usage(self, key: str, window_start: int) -> int:
        async with self._conn.execute(
            "SELECT amount FROM shared_counters WHERE key = ? AND window_start = ?", (key, window_start)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row is not None else 0

    def refresh_lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        return self._refresh_locks.hold(user_id)

    # -- DJ mode --------------------------------------------------------------------------------------------

    async def save_dj_state(self, guild_id: int, state: str) -> None:
        async with self._write_lock:
            await self._conn.execute(
                "INSERT INTO dj_sessions (guild_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (guild_id) "
                "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (guild_id, state, time.time()),
            )

    async def delete_dj_state(self, guild_id: int) -> bool:
        async with self._write_lock:
            cur = await self._conn.execute("DELETE FROM dj_sessions WHERE guild_id = ?", (guild_id,))
            return cur.rowcount > 0

    async def dj_states(self) -> dict[int, str]:
        async with self._conn.execute("SELECT guild_id, state FROM dj_sessions") as cur:
            rows = await cur.fetchall()
        return {int(row[0]): str(row[1]) for row in rows}

    def release_on_close(self, release: Callable[[], None]) -> None:
        """Call `release` (the DATA_DIR lock) once the connection is closed."""
        self._on_close.append(release)

    async def get_meta(self, key: str) -> str | None:
        async with self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        async with self._write_lock:
            await self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._conn.close()
        finally:
            for release in self._on_close:
                release()

    def __repr__(self) -> str:
        return "SqliteRepository()"
