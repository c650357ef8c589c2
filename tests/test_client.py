"""The client: intents, sharding, cog loading, the OAuth web server and a clean shutdown."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest
from discord.ext import commands

from bot.app import build_services
from bot.client import EXTENSIONS, ShardedSpotifyBot, SpotifyBot, build_intents, load_extensions
from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify


def test_no_privileged_intents_unless_configured() -> None:
    intents = build_intents(message_content=False)
    assert not intents.message_content and not intents.members and not intents.presences
    assert intents.guild_messages and intents.dm_messages and intents.guilds
    assert build_intents(message_content=True).message_content


async def test_failing_extension_is_logged_and_the_rest_load(caplog: pytest.LogCaptureFixture) -> None:
    bot = commands.Bot(command_prefix="!", intents=build_intents(False))
    with caplog.at_level(logging.ERROR):
        failed = await load_extensions(bot, ("cogs.does_not_exist", "cogs.help"))
    assert failed == ["cogs.does_not_exist"]
    assert bot.get_cog("Help") is not None
    assert "cogs.does_not_exist" in caplog.text


async def test_bot_loads_every_cog_serves_oauth_callbacks_and_closes_cleanly(tmp_path: Path) -> None:
    async with FakeSpotify() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=tmp_path,
            spotify_client_id="0123456789abcdef0123456789abcdef",
            web_port=0,
        )
        services = await build_services(settings, api_base=fake.api_base, accounts_base=fake.accounts_base)
        bot = SpotifyBot(services, sync_on_start=False)
        assert type(bot) is SpotifyBot and bot.shard_count is None
        await bot._async_setup_hook()
        await bot.setup_hook()
        try:
            assert bot.failed_extensions == []
            assert {ext for ext in bot.extensions} == set(EXTENSIONS)
            assert bot.tree.translator is not None
            assert bot.web_base_url is not None
            async with aiohttp.ClientSession() as http, http.get(bot.web_base_url + "/healthz") as answer:
                assert answer.status == 200
        finally:
            await bot.close()
        with pytest.raises(aiohttp.ClientConnectionError):
            async with aiohttp.ClientSession() as http, http.get(bot.web_base_url + "/healthz"):
                pass


async def test_sharding_settings_give_an_auto_sharded_bot(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, shard_count=4, shard_ids=[0, 1])  # type: ignore[call-arg]
    services = await build_services(settings)
    try:
        bot = SpotifyBot(services, sync_on_start=True)
        assert isinstance(bot, ShardedSpotifyBot) and isinstance(bot, commands.AutoShardedBot)
        assert bot.shard_count == 4 and bot.shard_ids == [0, 1] and bot.sync_on_start
    finally:
        await services.aclose()
