from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.config import Settings
from bot.storage.crypto import (
    InvalidEncryptionKey,
    MissingEncryptionKey,
    TokenCipher,
    WrongEncryptionKey,
    load_or_create_key,
)


def make_settings(data_dir: Path, key: str | None = None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        token_encryption_key=SecretStr(key) if key else None,
    )


def test_round_trip_hides_plaintext() -> None:
    cipher = TokenCipher.generate()
    blob = cipher.encrypt("BQD-access-token")
    assert "BQD-access-token" not in blob
    assert cipher.decrypt(blob) == "BQD-access-token"


def test_wrong_key_is_a_clear_error_without_the_key() -> None:
    key = Fernet.generate_key().decode()
    blob = TokenCipher.generate().encrypt("secret")
    with pytest.raises(WrongEncryptionKey) as caught:
        TokenCipher(key).decrypt(blob)
    assert "does not match" in str(caught.value)
    assert key not in str(caught.value)


def test_malformed_key_is_rejected_without_echoing_it() -> None:
    with pytest.raises(InvalidEncryptionKey) as caught:
        TokenCipher("not-a-fernet-key-hunter2", source="TOKEN_ENCRYPTION_KEY")
    assert "TOKEN_ENCRYPTION_KEY" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_repr_hides_key() -> None:
    key = Fernet.generate_key()
    assert key.decode() not in repr(TokenCipher(key))


def test_key_file_created_with_mode_0600_and_reused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "nested" / "data")
    first = load_or_create_key(settings)
    assert settings.key_file_path.exists()
    assert stat.S_IMODE(settings.key_file_path.stat().st_mode) == 0o600
    second = load_or_create_key(settings)
    assert second.decrypt(first.encrypt("token")) == "token"


def test_loose_key_file_is_tightened(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    load_or_create_key(settings)
    settings.key_file_path.chmod(0o644)
    load_or_create_key(settings)
    assert stat.S_IMODE(settings.key_file_path.stat().st_mode) == 0o600


def test_environment_key_wins_and_writes_no_file(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    cipher = load_or_create_key(make_settings(tmp_path, key))
    assert not (tmp_path / "token.key").exists()
    assert TokenCipher(key).decrypt(cipher.encrypt("x")) == "x"


def test_malformed_environment_key_names_its_source(tmp_path: Path) -> None:
    with pytest.raises(InvalidEncryptionKey, match="TOKEN_ENCRYPTION_KEY"):
        load_or_create_key(make_settings(tmp_path, "short"))


def test_missing_key_file_beside_an_existing_database_is_an_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    load_or_create_key(settings)
    settings.database_path.write_bytes(b"")  # the bot ran before
    settings.key_file_path.unlink()
    with pytest.raises(MissingEncryptionKey, match="missing"):
        load_or_create_key(settings)
    assert not settings.key_file_path.exists()  # no new, useless key was written
