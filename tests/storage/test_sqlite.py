"""What only the SQLite file can show: encryption at rest, restarts, the wrong-key check."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.config import Settings
from bot.storage.crypto import TokenCipher, WrongEncryptionKey, load_or_create_key
from bot.storage.repository import LinkedAccount, OAuthState, SpotifyToken
from bot.storage.sqlite import STATE_RETENTION_S, SqliteRepository

ACCESS = "BQDaccess-token-that-must-not-leak"
REFRESH = "AQrefresh-token-that-must-not-leak"


def linked(user_id: int = 1) -> LinkedAccount:
    return LinkedAccount(
        user_id=user_id,
        spotify_id="spotify-user",
        display_name="Ana",
        client_id="client-a",
        token=SpotifyToken(ACCESS, REFRESH, expires_at=2_000_000_000.0),
        scopes=["user-modify-playback-state"],
        linked_at=1_700_000_000.0,
    )


def raw_dump(path: Path) -> str:
    """Every table of the file, as text (what someone who copies the database would read)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(FULL)")
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(row) for table in tables for row in conn.execute(f"SELECT * FROM {table}"))


async def test_tokens_and_verifiers_are_encrypted_at_rest(
    db_path: Path, sqlite_repo: SqliteRepository
) -> None:
    await sqlite_repo.save_account(linked())
    verifier = "pkce-verifier-that-must-not-leak"
    await sqlite_repo.save_oauth_state(
        OAuthState("st", 1, None, verifier, "client-a", "http://127.0.0.1:8888/callback", time.time())
    )
    dump = raw_dump(db_path)
    assert "spotify-user" in dump  # the row is there...
    assert ACCESS not in dump and REFRESH not in dump and verifier not in dump  # ...its secrets are not
    with db_path.open("rb") as handle:
        assert ACCESS.encode() not in handle.read()


async def test_restart_keeps_links_and_settings(db_path: Path, cipher: TokenCipher) -> None:
    repo = await SqliteRepository.open(db_path, cipher)
    await repo.save_account(linked())
    await repo.update_guild_settings(5, language="es", controller_user_id=1, spotify_client_id="abc")
    await repo.close()

    reopened = await SqliteRepository.open(db_path, cipher)
    try:
        assert await reopened.get_account(1) == linked()
        settings = await reopened.get_guild_settings(5)
        assert (settings.language, settings.controller_user_id, settings.spotify_client_id) == (
            "es",
            1,
            "abc",
        )
    finally:
        await reopened.close()


async def test_wrong_key_fails_at_open_and_keeps_the_data(db_path: Path, cipher: TokenCipher) -> None:
    repo = await SqliteRepository.open(db_path, cipher)
    await repo.save_account(linked())
    await repo.close()

    with pytest.raises(WrongEncryptionKey) as caught:
        await SqliteRepository.open(db_path, TokenCipher.generate())
    assert "does not match" in str(caught.value)

    again = await SqliteRepository.open(db_path, cipher)
    try:
        assert await again.get_account(1) == linked()
    finally:
        await again.close()


async def test_old_states_are_pruned_when_a_new_one_is_saved(sqlite_repo: SqliteRepository) -> None:
    old = OAuthState("old", 1, None, "v", "c", "r", time.time() - STATE_RETENTION_S - 10)
    await sqlite_repo.save_oauth_state(old)
    await sqlite_repo.save_oauth_state(OAuthState("new", 1, None, "v", "c", "r", time.time()))
    assert await sqlite_repo.pop_oauth_state("old") is None
    assert await sqlite_repo.pop_oauth_state("new") is not None


async def test_open_creates_missing_directories(tmp_path: Path, cipher: TokenCipher) -> None:
    path = tmp_path / "a" / "b" / "bot.sqlite3"
    repo = await SqliteRepository.open(path, cipher)
    await repo.close()
    await repo.close()  # closing twice is harmless
    assert path.exists()


async def test_repr_shows_no_secrets(sqlite_repo: SqliteRepository) -> None:
    assert "key" not in repr(sqlite_repo).lower()


async def test_restart_with_the_generated_key_file(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    repo = await SqliteRepository.open(settings.database_path, load_or_create_key(settings))
    await repo.save_account(linked())
    await repo.close()

    again = await SqliteRepository.open(settings.database_path, load_or_create_key(settings))
    try:
        assert await again.get_account(1) == linked()
    finally:
        await again.close()

    settings.token_encryption_key = SecretStr(Fernet.generate_key().decode())  # someone set another key
    with pytest.raises(WrongEncryptionKey):
        await SqliteRepository.open(settings.database_path, load_or_create_key(settings))
