"""Opens the store the settings ask for: SQLite in DATA_DIR (one process) or PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import IO

from bot.config import Settings
from bot.storage.crypto import load_or_create_key
from bot.storage.errors import StorageStartupError
from bot.storage.repository import Repository

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no fcntl; the lock is then advisory only by convention
    fcntl = None  # type: ignore[assignment]


class DataDirInUse(StorageStartupError):
    def __init__(self, data_dir: Path) -> None:
        super().__init__("storage.data_dir_in_use", data_dir=data_dir)


class DatabaseUnreachable(StorageStartupError):
    def __init__(self, detail: str) -> None:
        super().__init__("storage.unreachable", detail=detail)


class DataDirLock:
    """An exclusive, non-blocking lock on DATA_DIR/bot.lock, held while the SQLite store is open.

    The kernel drops it when the process exits, however it exits, so a crash never leaves a stale lock.
    """

    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._handle: IO[str] | None = handle

    @classmethod
    def acquire(cls, path: Path) -> DataDirLock:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                raise DataDirInUse(path.parent) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return cls(path, handle)

    def release(self) -> None:
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def _without_secrets(text: str, settings: Settings) -> str:
    """`text` with the password of DATABASE_URL (if any) blanked out."""
    from urllib.parse import urlsplit

    url = settings.database_url.get_secret_value() if settings.database_url is not None else ""
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


async def open_repository(settings: Settings) -> Repository:
    """The repository every service shares. PostgreSQL is read uncached so no process ever reads stale data."""
    if settings.uses_postgres:
        cipher = load_or_create_key(settings)
        from bot.storage.postgres import PostgresRepository

        assert settings.database_url is not None
        try:
            return await PostgresRepository.open(
                settings.database_url.get_secret_value(), cipher, pool_size=settings.database_pool_size
            )
        except Exception as exc:
            import asyncpg

            if isinstance(exc, OSError | TimeoutError | asyncpg.PostgresError | asyncpg.InterfaceError):
                log.error("opening PostgreSQL failed: %s", _without_secrets(str(exc), settings))
                raise DatabaseUnreachable(
                    _without_secrets(str(exc), settings) or type(exc).__name__
                ) from None
            raise

    from bot.storage.cached import CachedRepository
    from bot.storage.sqlite import SqliteRepository

    lock = DataDirLock.acquire(settings.lock_file_path)
    try:
        # A key file from an earlier start means a database with links must be beside it (checked when opening).
        existing_key = settings.key_file_path if settings.token_encryption_key is None else None
        key_exists = existing_key is not None and await asyncio.to_thread(existing_key.exists)
        key_file = existing_key if key_exists else None
        cipher = load_or_create_key(settings)
        sqlite = await SqliteRepository.open(settings.database_path, cipher, key_file=key_file)
    except BaseException:
        lock.release()
        raise
    sqlite.release_on_close(lock.release)
    return CachedRepository(sqlite)
