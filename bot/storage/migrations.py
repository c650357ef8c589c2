"""Schema migrations: an ordered list, each applied once and recorded in `schema_migrations`."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import aiosqlite

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial schema",
        (
            """
            CREATE TABLE meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE guild_settings (
                guild_id INTEGER PRIMARY KEY,
                language TEXT,
                dj_role_id INTEGER,
                controller_user_id INTEGER,
                announce_channel_id INTEGER,
                spotify_client_id TEXT,
                updated_at REAL NOT NULL
            )
            """,
            "CREATE INDEX guild_settings_controller ON guild_settings (controller_user_id)",
            """
            CREATE TABLE linked_accounts (
                user_id INTEGER PRIMARY KEY,
                spotify_id TEXT NOT NULL,
                display_name TEXT NOT NULL,
                client_id TEXT NOT NULL,
                scopes TEXT NOT NULL DEFAULT '',
                token_encrypted TEXT NOT NULL,
                token_expires_at REAL NOT NULL,
                token_scope TEXT NOT NULL DEFAULT '',
                needs_relink INTEGER NOT NULL DEFAULT 0 CHECK (needs_relink IN (0, 1)),
                linked_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )
            """,
            """
            CREATE TABLE oauth_states (
                state TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL,
                guild_id INTEGER,
                code_verifier_encrypted TEXT NOT NULL,
                client_id TEXT NOT NULL,
                redirect_uri TEXT NOT NULL,
                lang TEXT NOT NULL DEFAULT 'en',
                created_at REAL NOT NULL
            )
            """,
            "CREATE INDEX oauth_states_created_at ON oauth_states (created_at)",
        ),
    ),
    Migration(
        2,
        "LLM budgets spent today",
        (
            """
            CREATE TABLE llm_usage (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at REAL NOT NULL
            )
            """,
        ),
    ),
)


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
    )
    async with conn.execute("SELECT version FROM schema_migrations") as cursor:
        return {int(row[0]) for row in await cursor.fetchall()}


async def apply_migrations(
    conn: aiosqlite.Connection, migrations: tuple[Migration, ...] = MIGRATIONS
) -> list[int]:
    """Apply every migration not yet recorded, each in its own transaction. Returns the versions applied.

    The connection must be in autocommit mode (isolation_level=None).
    """
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise RuntimeError("migrations must have unique, increasing versions")
    done = await applied_versions(conn)
    unknown = done - set(versions)
    if unknown:
        raise RuntimeError(
            f"the database has schema version {max(unknown)}, newer than this code knows "
            f"({max(versions, default=0)}): upgrade the bot instead of downgrading it"
        )
    applied: list[int] = []
    for migration in migrations:
        if migration.version in done:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            async with conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ) as cursor:
                if await cursor.fetchone() is not None:  # another process applied it meanwhile
                    await conn.execute("ROLLBACK")
                    continue
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, time.time()),
            )
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        log.info("applied database migration %d (%s)", migration.version, migration.name)
        applied.append(migration.version)
    return applied
