"""Issue 12 item 6: `python -m bot run` refuses a missing, empty or damaged database beside an existing key
file, in one sentence on stderr (never a traceback), and leaves the files as they were."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import discord
import pytest
from cryptography.fernet import Fernet

from bot.__main__ import main
from bot.storage.crypto import TokenCipher
from bot.storage.repository import LinkedAccount, SpotifyToken
from bot.storage.sqlite import SqliteRepository


def first_start(data: Path) -> None:
    """What an earlier run left behind: a key file and a database with one linked account."""
    data.mkdir(parents=True, exist_ok=True)
    raw = Fernet.generate_key()
    (data / "token.key").write_bytes(raw + b"\n")
    os.chmod(data / "token.key", 0o600)

    async def store() -> None:
        repo = await SqliteRepository.open(data / "bot.sqlite3", TokenCipher(raw))
        await repo.save_account(
            LinkedAccount(1, "alice", "Alice", "a" * 32, SpotifyToken("at", "rt", expires_at=2e9))
        )
        await repo.close()

    asyncio.run(store())


def start(monkeypatch: pytest.MonkeyPatch, data: Path, lang: str = "en") -> int:
    monkeypatch.chdir(data.parent)  # no .env from the checkout
    # were storage ever accepted again, the bot would log in: to a closed loopback port, never to Discord
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("DEFAULT_LANGUAGE", lang)
    return main(["run"])


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_empty_database_beside_the_key_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    first_start(data)
    (data / "bot.sqlite3").write_bytes(b"")  # truncated (a failed copy, a full disk during a restore)
    for suffix in ("-wal", "-shm"):
        (data / f"bot.sqlite3{suffix}").unlink(missing_ok=True)

    assert start(monkeypatch, data) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"The database {data / 'bot.sqlite3'} is empty but its token key file")
    assert "restore the database from a backup, or delete" in line
    assert (data / "bot.sqlite3").stat().st_size == 0  # nothing was created in it
    assert (data / "token.key").exists()


def test_missing_database_beside_the_key_file_is_refused_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    first_start(data)
    for name in ("bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)

    assert start(monkeypatch, data, "es") == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("Falta la base de datos")
    assert not (data / "bot.sqlite3").exists()


def test_damaged_database_is_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    first_start(data)
    db = data / "bot.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert pages >= 4
    with db.open("r+b") as handle:  # scribble over the last page (a table's b-tree)
        handle.seek((pages - 1) * page_size)
        handle.write(b"\xa5" * page_size)

    assert start(monkeypatch, data) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"The database {db} is damaged (")
    assert "restore it from a backup" in line


def test_a_file_that_is_not_a_database_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    first_start(data)
    (data / "bot.sqlite3-wal").unlink(missing_ok=True)
    (data / "bot.sqlite3").write_text("this is a note, not a database\n" * 200)

    assert start(monkeypatch, data) == 1
    line = one_line(capsys.readouterr().err)
    assert f"The database {data / 'bot.sqlite3'} is damaged (file is not a database)" in line
