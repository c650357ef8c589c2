"""What only PostgreSQL shows: several processes (here: several repositories, each its own pool) on one store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from bot.storage.crypto import TokenCipher, WrongEncryptionKey
from bot.storage.migrations import MIGRATIONS, Migration, apply_postgres_migrations, postgres_statements
from bot.storage.postgres import PostgresRepository
from bot.storage.repository import LinkedAccount, OAuthState, SpotifyToken

ACCESS = "BQDaccess-token-that-must-not-leak"
REFRESH = "AQrefresh-token-that-must-not-leak"
BIG_ID = 1_234_567_890_123_456_789  # Discord snowflakes need 64 bits


def linked(user_id: int = BIG_ID, access: str = ACCESS) -> LinkedAccount:
    return LinkedAccount(
        user_id=user_id,
        spotify_id="spotify-user",
        display_name="Ana",
        client_id="client-a",
        token=SpotifyToken(access, REFRESH, expires_at=2_000_000_000.25),
        scopes=["user-modify-playback-state"],
        linked_at=1_700_000_000.5,
    )


@pytest.fixture
def cipher() -> TokenCipher:
    return TokenCipher.generate()


@pytest.fixture
async def two(
    pg_dsn: str, cipher: TokenCipher
) -> AsyncIterator[tuple[PostgresRepository, PostgresRepository]]:
    """Two repositories opened at once on one database, as two processes would."""
    a, b = await asyncio.gather(
        PostgresRepository.open(pg_dsn, cipher, pool_size=4),
        PostgresRepository.open(pg_dsn, cipher, pool_size=4),
    )
    yield a, b
    await a.close()
    await b.close()


async def dump(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        tables = [
            r[0]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ]
        rows = [tuple(row) for table in tables for row in await conn.fetch(f"SELECT * FROM {table}")]
        return "\n".join(repr(row) for row in rows)
    finally:
        await conn.close()


async def test_migrations_ran_once_for_two_concurrent_starts(
    pg_dsn: str, two: tuple[PostgresRepository, PostgresRepository]
) -> None:
    conn = await asyncpg.connect(pg_dsn)
    try:
        versions = [r[0] for r in await conn.fetch("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == [m.version for m in MIGRATIONS]
        assert await apply_postgres_migrations(conn) == []
    finally:
        await conn.close()


async def test_a_write_in_one_process_is_read_by_the_other_at_once(
    two: tuple[PostgresRepository, PostgresRepository],
) -> None:
    a, b = two
    await a.save_account(linked())
    await a.update_guild_settings(BIG_ID, controller_user_id=BIG_ID, dj_role_id=BIG_ID + 1)
    assert await b.get_account(BIG_ID) == linked()
    assert (await b.get_guild_settings(BIG_ID)).dj_role_id == BIG_ID + 1
    await b.update_token(BIG_ID, SpotifyToken("rotated", "refresh-2", expires_at=2_100_000_000.0))
    assert (await a.get_account(BIG_ID)).token.access_token == "rotated"  # type: ignore[union-attr]
    assert await a.delete_account(BIG_ID)
    assert await b.get_account(BIG_ID) is None
    assert (await b.get_guild_settings(BIG_ID)).controller_user_id is None


async def test_updates_from_two_processes_to_one_guild_lose_nothing(
    two: tuple[PostgresRepository, PostgresRepository],
) -> None:
    a, b = two
    writes = [
        (a, {"dj_role_id": 1}),
        (b, {"controller_user_id": 2}),
        (a, {"announce_channel_id": 3}),
        (b, {"language": "es"}),
        (a, {"spotify_client_id": "app"}),
    ]
    await asyncio.gather(*(repo.update_guild_settings(9, **change) for repo, change in writes * 4))
    settings = await b.get_guild_settings(9)
    assert (settings.dj_role_id, settings.controller_user_id, settings.announce_channel_id) == (1, 2, 3)
    assert (settings.language, settings.spotify_client_id) == ("es", "app")


async def test_an_oauth_state_completes_in_exactly_one_process(
    two: tuple[PostgresRepository, PostgresRepository],
) -> None:
    a, b = two
    await a.save_oauth_state(
        OAuthState("st", 1, 2, "verifier", "client-a", "http://127.0.0.1/cb", time.time())
    )
    results = await asyncio.gather(*(repo.pop_oauth_state("st") for repo in (a, b) * 4))
    assert sum(r is not None for r in results) == 1


async def test_refresh_lock_is_single_flight_across_processes(
    two: tuple[PostgresRepository, PostgresRepository],
) -> None:
    a, b = two
    await a.save_account(linked(access="v0"))
    refreshes = 0

    async def access_token(repo: PostgresRepository) -> str:
        """What LinkService does: lock, re-read, refresh only if nobody else did meanwhile."""
        nonlocal refreshes
        async with repo.refresh_lock(BIG_ID):
            account = await repo.get_account(BIG_ID)
            assert account is not None
            if account.token.access_token == "v0":
                refreshes += 1
                await asyncio.sleep(0.02)  # the token endpoint
                await repo.update_token(BIG_ID, SpotifyToken("v1", "r1", expires_at=2_100_000_000.0))
                return "v1"
            return account.token.access_token

    tokens = await asyncio.gather(*(access_token(repo) for repo in (a, b) * 5))
    assert refreshes == 1 and set(tokens) == {"v1"}


async def test_holds_and_counters_are_shared(two: tuple[PostgresRepository, PostgresRepository]) -> None:
    a, b = two
    await a.hold_until("spotify:app", 5_000.0)
    assert await b.get_hold("spotify:app") == 5_000.0
    await asyncio.gather(*(repo.add_usage("groq", 7, 3) for repo in (a, b) * 10))
    assert await a.get_usage("groq", 7) == 60


async def test_tokens_and_verifiers_are_encrypted_at_rest(pg_dsn: str, cipher: TokenCipher) -> None:
    repo = await PostgresRepository.open(pg_dsn, cipher)
    try:
        await repo.save_account(linked())
        await repo.save_oauth_state(OAuthState("st", 1, None, "pkce-verifier-secret", "c", "r", time.time()))
    finally:
        await repo.close()
    text = await dump(pg_dsn)
    assert "spotify-user" in text
    assert ACCESS not in text and REFRESH not in text and "pkce-verifier-secret" not in text


async def test_wrong_key_fails_at_open_and_keeps_the_data(pg_dsn: str, cipher: TokenCipher) -> None:
    repo = await PostgresRepository.open(pg_dsn, cipher)
    await repo.save_account(linked())
    await repo.close()
    with pytest.raises(WrongEncryptionKey):
        await PostgresRepository.open(pg_dsn, TokenCipher.generate())
    again = await PostgresRepository.open(pg_dsn, cipher)
    try:
        assert await again.get_account(BIG_ID) == linked()
    finally:
        await again.close()


async def test_database_from_a_newer_version_is_refused(pg_dsn: str) -> None:
    future = Migration(len(MIGRATIONS) + 1, "future", ("CREATE TABLE future (id INTEGER)",))
    conn = await asyncpg.connect(pg_dsn)
    try:
        await apply_postgres_migrations(conn, (*MIGRATIONS, future))
        with pytest.raises(RuntimeError, match="newer"):
            await apply_postgres_migrations(conn)
    finally:
        await conn.close()


async def test_failed_migration_leaves_no_trace(pg_dsn: str) -> None:
    broken = Migration(len(MIGRATIONS) + 1, "broken", ("CREATE TABLE t (id INTEGER)", "NOT SQL"))
    conn = await asyncpg.connect(pg_dsn)
    try:
        await apply_postgres_migrations(conn)
        with pytest.raises(asyncpg.PostgresSyntaxError):
            await apply_postgres_migrations(conn, (*MIGRATIONS, broken))
        assert await conn.fetchval("SELECT to_regclass('t')") is None
        assert await conn.fetchval("SELECT max(version) FROM schema_migrations") == MIGRATIONS[-1].version
    finally:
        await conn.close()


def test_types_are_widened_for_postgres() -> None:
    statements = postgres_statements(
        Migration(9, "x", ("CREATE TABLE x (id INTEGER PRIMARY KEY, at REAL, raw BLOB, n integer)",))
    )
    assert statements == ("CREATE TABLE x (id BIGINT PRIMARY KEY, at DOUBLE PRECISION, raw BYTEA, n BIGINT)",)
    own = Migration(9, "x", ("sqlite only",), postgres=("postgres only",))
    assert postgres_statements(own) == ("postgres only",)


async def test_two_processes_claiming_one_guild_have_one_winner(
    two: tuple[PostgresRepository, PostgresRepository],
) -> None:
    a, b = two
    results = await asyncio.gather(*(repo.claim_controller(77, user) for user, repo in enumerate((a, b) * 5)))
    assert sum(results) == 1
    assert (await a.get_guild_settings(77)).controller_user_id == results.index(True)
