"""The process roles: `web` alone, `run --shards`, and SQLite's refusal of a second process."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

import aiohttp
import pytest

from bot.__main__ import build_arg_parser, parse_shard_range

ROOT = Path(__file__).resolve().parents[2]


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    return {**base, "DATA_DIR": str(tmp_path), **extra}


def test_shard_ranges() -> None:
    assert parse_shard_range("0-3") == [0, 1, 2, 3]
    assert parse_shard_range("0,2,5-6") == [0, 2, 5, 6]
    args = build_arg_parser().parse_args(["run", "--shards", "4-7", "--shard-count", "8"])
    assert (args.shards, args.shard_count) == ([4, 5, 6, 7], 8)
    with pytest.raises(SystemExit):
        build_arg_parser().parse_args(["run", "--shards", "a-b"])


async def run_bot(tmp_path: Path, *args: str, stdin: bytes = b"", **extra: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        stdin=PIPE,
        stdout=PIPE,
        stderr=PIPE,
        cwd=ROOT,
        env=env(tmp_path, **extra),
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_a_shard_range_needs_the_total(tmp_path: Path) -> None:
    code, _, err = await run_bot(tmp_path, "run", "--shards", "0-3", DISCORD_TOKEN="x")
    assert code == 2 and "--shard-count" in err and "Traceback" not in err


async def test_a_second_process_on_one_data_dir_is_refused_in_the_users_language(tmp_path: Path) -> None:
    first = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", stdin=PIPE, stdout=PIPE, stderr=PIPE, cwd=ROOT, env=env(tmp_path)
    )
    assert first.stdin is not None and first.stdout is not None
    try:
        first.stdin.write(b"volume 30\n")
        await first.stdin.drain()
        assert "30" in (await asyncio.wait_for(first.stdout.readuntil(b"30%"), 60)).decode()
        code, out, err = await run_bot(tmp_path, "chat", stdin=b"volume 20\n", DEFAULT_LANGUAGE="es")
        assert code == 1 and out == ""
        assert err.strip().startswith("Otro proceso del bot ya usa el directorio de datos")
        assert err.strip().count("\n") == 0 and "Traceback" not in err
    finally:
        first.stdin.close()
        await asyncio.wait_for(first.communicate(), 60)
    code, out, _ = await run_bot(tmp_path, "chat", stdin=b"volume 20\n")
    assert code == 0 and "20%" in out  # the first process is gone: the data directory is free again


async def test_the_web_role_serves_callbacks_from_the_shared_database(tmp_path: Path, pg_dsn: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", stdout=PIPE, stderr=PIPE, cwd=ROOT,
        env=env(tmp_path, DATABASE_URL=pg_dsn, WEB_PORT="0", SPOTIFY_CLIENT_ID="client-a"),
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        assert line.startswith("web: listening on http://127.0.0.1:")
        base = line.split()[-1]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as resp:
                assert resp.status == 200
            async with http.get(f"{base}/callback", params={"state": "unknown", "code": "c"}) as resp:
                assert resp.status == 400  # no such pending link in the database
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0
    assert not (tmp_path / "bot.sqlite3").exists()  # it used PostgreSQL, not DATA_DIR


async def test_the_web_role_says_so_when_its_port_is_taken(tmp_path: Path, pg_dsn: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = await run_bot(
            tmp_path, "web", DATABASE_URL=pg_dsn, WEB_PORT=str(port), DEFAULT_LANGUAGE="es"
        )
    assert code == 1 and out == ""
    assert f"El proceso web no puede escuchar en 127.0.0.1:{port}" in err
    assert "Traceback" not in err
