"""Two Discord bot processes, each running half the shards (`python -m bot run --shards N --shard-count 2`),
one PostgreSQL, the fake Discord and the fake Spotify: an unlink in one process is honoured by the other."""

from __future__ import annotations

import asyncio
import sys
import time
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.demo.spotify_server import FakeSpotify
from bot.storage.crypto import TokenCipher
from bot.storage.postgres import PostgresRepository
from bot.storage.repository import LinkedAccount, SpotifyToken
from tests.fakes.discord import DiscordHarness
from tests.fakes.discord.server import FakeDiscord
from tests.fakes.discord.world import Guild
from tests.multiprocess.deployment import ROOT, base_env

pytestmark = pytest.mark.timeout(180)

APP = "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1"


@dataclass
class Sharded:
    fake: FakeDiscord
    spotify: FakeSpotify
    harness: DiscordHarness  # the user's side only: the bots run in the worker processes
    repo: PostgresRepository  # the test's own connection to the shared database
    guilds: dict[int, Guild]  # shard id -> a guild on that shard
    workers: list[asyncio.subprocess.Process]


def shard_of(guild: Guild, count: int = 2) -> int:
    return (guild.id >> 22) % count


async def until(condition: object, what: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.1)


@pytest.fixture
async def sharded(tmp_path: Path, pg_dsn: str) -> AsyncIterator[Sharded]:
    async with FakeDiscord() as fake:
        spotify = FakeSpotify()
        await spotify.start()
        harness = DiscordHarness(fake, services=None)  # type: ignore[arg-type]
        guilds: dict[int, Guild] = {shard_of(harness.guild): harness.guild}
        while len(guilds) < 2:  # one guild on each shard
            guild = fake.add_guild(f"Guild {len(fake.world.guilds)}")
            fake.add_member(guild, harness.user)
            guilds.setdefault(shard_of(guild), guild)
        key = Fernet.generate_key().decode()
        env = {
            **base_env(pg_dsn, key, tmp_path, spotify),
            "DISCORD_TOKEN": fake.token,
            "COOLDOWN_COMMANDS": "1000",
        }
        repo = await PostgresRepository.open(pg_dsn, TokenCipher(key))
        workers = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.multiprocess.discord_worker",
                fake.api_base,
                fake.gateway_url,
                "run",
                "--shards",
                str(shard),
                "--shard-count",
                "2",
                *(["--sync"] if shard == 0 else []),  # one process registers the slash commands
                stdout=PIPE,
                stderr=PIPE,
                cwd=ROOT,
                env=env,
            )
            for shard in (0, 1)
        ]
        try:
            await until(lambda: len(fake.gateway_sessions) == 2 and fake.global_commands, "both shards ready")
            await asyncio.sleep(0.5)  # let the second process finish its start-up
            yield Sharded(fake, spotify, harness, repo, guilds, workers)
        finally:
            for proc in workers:
                proc.terminate()
            for proc in workers:
                _, err = await asyncio.wait_for(proc.communicate(), 30)
                print(err.decode(errors="replace")[-3000:])  # shown by pytest only when the test fails
            await repo.close()
            await spotify.stop()


async def test_an_unlink_in_one_shard_process_is_honoured_by_the_other(sharded: Sharded) -> None:
    h, fake, spotify = sharded.harness, sharded.fake, sharded.spotify
    owner = h.user  # a member of both guilds, controller of both
    token = spotify.add_user("alice", display_name="Alice")
    await sharded.repo.save_account(
        LinkedAccount(owner.id, "alice", "Alice", APP, SpotifyToken(token, "refresh-a", time.time() + 3600))
    )
    for guild in sharded.guilds.values():
        await sharded.repo.update_guild_settings(guild.id, controller_user_id=owner.id)
    sessions = {s.shard[0]: s for s in fake.gateway_sessions.values()}
    assert set(sessions) == {0, 1}  # each process identified with its own shard

    first = await h.slash("volume", level=30, channel=fake.general(sharded.guilds[0]))
    assert "30" in first.text and first.errors == []
    second = await h.slash("volume", level=40, channel=fake.general(sharded.guilds[1]))
    assert "40" in second.text and spotify.player("alice").volume == 40

    unlinked = await h.slash("spotify unlink", channel=fake.general(sharded.guilds[0]))  # shard 0's process
    assert unlinked.errors == [] and unlinked.messages
    after = await h.slash("volume", level=10, channel=fake.general(sharded.guilds[1]))  # shard 1's process
    assert "/spotify link" in after.text
    assert spotify.player("alice").volume == 40  # nothing reached Spotify for the unlinked account
