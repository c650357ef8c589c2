"""A deployment of several bot processes on one PostgreSQL, driven from the test (or benchmark) process.

`Deployment.start()` runs `python -m bot web` and N `tests.multiprocess.worker` processes, all with the same
DATABASE_URL, TOKEN_ENCRYPTION_KEY and DATA_DIR (no SQLite lock in PostgreSQL mode), pointed at a FakeSpotify that runs in the calling process on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
from asyncio.subprocess import PIPE
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from bot.demo.spotify_server import FakeSpotify

ROOT = Path(__file__).resolve().parents[2]
APP = "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1"
START_TIMEOUT_S = 60.0


def base_env_for(dsn: str, key: str, data_dir: Path, api_base: str, accounts_base: str) -> dict[str, str]:
    """The environment of every process of one deployment (no Discord or LLM credentials)."""
    keep = {
        k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_TOKEN")) and k != "DATABASE_URL"
    }
    return {
        **keep,
        "DATABASE_URL": dsn,
        "TOKEN_ENCRYPTION_KEY": key,
        "DATA_DIR": str(data_dir),
        "SPOTIFY_CLIENT_ID": APP,
        "SPOTIFY_API_BASE": api_base,
        "SPOTIFY_ACCOUNTS_BASE": accounts_base,
        "LOG_LEVEL": "WARNING",
    }


def base_env(dsn: str, key: str, data_dir: Path, fake: FakeSpotify) -> dict[str, str]:
    return base_env_for(dsn, key, data_dir, fake.api_base, fake.accounts_base)


@dataclass
class Worker:
    """One worker process; `request()` sends a JSON line and waits for the answer with the same id."""

    name: str
    proc: asyncio.subprocess.Process
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _waiting: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, name: str, env: dict[str, str]) -> Worker:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.multiprocess.worker", stdin=PIPE, stdout=PIPE, cwd=ROOT, env=env,
            limit=2**20,
        )  # fmt: skip
        assert proc.stdout is not None
        first = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT_S)
        if json.loads(first or b"{}") != {"ready": True}:
            raise RuntimeError(f"worker {name} did not start")
        worker = cls(name, proc)
        worker._reader = asyncio.create_task(worker._read())
        return worker

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            reply = json.loads(line)
            future = self._waiting.pop(reply["id"], None)
            if future is not None and not future.done():
                future.set_result(reply)
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(RuntimeError(f"worker {self.name} exited"))

    async def request(self, op: str, **fields: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = future
        self.proc.stdin.write(json.dumps({"id": request_id, "op": op, **fields}).encode() + b"\n")
        await self.proc.stdin.drain()
        return await asyncio.wait_for(future, 60)

    async def say(self, user: int, guild: int | None, text: str) -> dict[str, Any]:
        return await self.request("text", user=user, guild=guild, text=text)

    async def stop(self) -> int:
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            code = await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
        if self._reader is not None:
            await self._reader
        return code


@dataclass
class Deployment:
    fake: FakeSpotify
    key: str  # TOKEN_ENCRYPTION_KEY of every process
    web_base: str
    web: asyncio.subprocess.Process
    workers: list[Worker]

    @classmethod
    async def start(cls, fake: FakeSpotify, dsn: str, data_dir: Path, *, workers: int = 2) -> Deployment:
        key = Fernet.generate_key().decode()
        env = base_env(dsn, key, data_dir, fake)
        web = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "web", stdout=PIPE, cwd=ROOT,
            env={**env, "WEB_PORT": "0"},
        )  # fmt: skip
        assert web.stdout is not None
        line = (await asyncio.wait_for(web.stdout.readline(), START_TIMEOUT_S)).decode()
        if not line.startswith("web: listening on "):
            web.kill()
            raise RuntimeError(f"the web process did not start: {line!r}")
        web_base = line.split()[-1]
        fake.register_client(APP, [f"{web_base}/callback"])
        worker_env = {**env, "PUBLIC_BASE_URL": web_base}
        started = await asyncio.gather(*(Worker.start(f"w{i}", worker_env) for i in range(workers)))
        return cls(fake, key, web_base, web, list(started))

    async def stop(self) -> None:
        await asyncio.gather(*(worker.stop() for worker in self.workers))
        self.web.terminate()
        await asyncio.wait_for(self.web.wait(), 30)
