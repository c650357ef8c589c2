"""Encryption of Spotify tokens at rest (Fernet), and where its key comes from."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from bot.config import Settings

log = logging.getLogger(__name__)


class EncryptionKeyError(RuntimeError):
    """The token encryption key cannot be used. Messages never contain the key."""


class WrongEncryptionKey(EncryptionKeyError):
    """Stored data was encrypted with a different key than the one configured."""

    def __init__(self, detail: str = "") -> None:
        message = (
            "The token encryption key does not match the key the stored Spotify tokens were encrypted "
            "with. Restore the original TOKEN_ENCRYPTION_KEY (or the key file beside the database); "
            "linked accounts were left untouched."
        )
        super().__init__(f"{message} {detail}".strip())


class InvalidEncryptionKey(EncryptionKeyError):
    """The configured key is not a Fernet key at all."""

    def __init__(self, source: str) -> None:
        super().__init__(
            f"The token encryption key from {source} is not a valid Fernet key (32 url-safe "
            'base64-encoded bytes). Generate one with: python -c "from cryptography.fernet import '
            'Fernet; print(Fernet.generate_key().decode())"'
        )


class MissingEncryptionKey(EncryptionKeyError):
    """A database exists but neither TOKEN_ENCRYPTION_KEY nor its key file does."""

    def __init__(self, key_file: Path, database: Path) -> None:
        super().__init__(
            f"The database {database} exists but its token key file {key_file} is missing and "
            "TOKEN_ENCRYPTION_KEY is not set. Restore the key file (or set TOKEN_ENCRYPTION_KEY); "
            "linked accounts were left untouched."
        )


class TokenCipher:
    """Encrypts and decrypts short secrets (tokens, PKCE verifiers) as Fernet strings."""

    __slots__ = ("_fernet",)

    def __init__(self, key: bytes | str, *, source: str = "the configuration") -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise InvalidEncryptionKey(source) from None

    @classmethod
    def generate(cls) -> TokenCipher:
        return cls(Fernet.generate_key())

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise WrongEncryptionKey() from None

    def __repr__(self) -> str:
        return "TokenCipher(<key hidden>)"


def load_or_create_key(settings: Settings) -> TokenCipher:
    """The cipher from TOKEN_ENCRYPTION_KEY, else from the key file beside the database (created 0600)."""
    if settings.token_encryption_key is not None:
        return TokenCipher(
            settings.token_encryption_key.get_secret_value().strip(), source="TOKEN_ENCRYPTION_KEY"
        )
    return _cipher_from_key_file(settings.key_file_path, settings.database_path)


def _cipher_from_key_file(path: Path, database: Path) -> TokenCipher:
    source = f"the key file {path}"
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        if database.exists():  # a new key could never decrypt what is stored: say so instead
            raise MissingEncryptionKey(path, database) from None
        return _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("key file %s had mode %o; restricting it to 0600", path, mode)
        path.chmod(0o600)
    return TokenCipher(key, source=source)


def _create_key_file(path: Path) -> TokenCipher:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it in the meantime: use theirs
        return TokenCipher(path.read_bytes().strip(), source=f"the key file {path}")
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    os.chmod(path, 0o600)  # the umask cannot widen it, but make the intent explicit
    log.info("generated a new token encryption key in %s (keep it with the database)", path)
    return TokenCipher(key, source=f"the key file {path}")
