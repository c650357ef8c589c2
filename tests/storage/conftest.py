from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.crypto import TokenCipher
from bot.storage.sqlite import SqliteRepository


@pytest.fixture
def cipher() -> TokenCipher:
    return TokenCipher.generate()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
async def sqlite_repo(db_path: Path, cipher: TokenCipher) -> AsyncIterator[SqliteRepository]:
    repo = await SqliteRepository.open(db_path, cipher)
    yield repo
    await repo.close()
