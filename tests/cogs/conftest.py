"""Fixtures for the dpytest message-level tests: real services against the fake Spotify and LLM servers and a
SpotifyBot that never logs in. Slash commands, buttons and menus are driven over the wire in tests/discord/."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import Services, build_services
from bot.client import SpotifyBot
from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify
from bot.storage.repository import LinkedAccount, SpotifyToken
from tests.fakes.llm_server import FakeLLMServer

CLIENT_ID = "0123456789abcdef0123456789abcdef"
GUILD_ID = 9001
OWNER_ID = 111  # the Discord user whose Spotify account the guild uses
DJ_ROLE_ID = 555


@pytest.fixture
async def llm() -> AsyncIterator[FakeLLMServer]:
    async with FakeLLMServer() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, llm: FakeLLMServer) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        groq_api_key=SecretStr("gsk_test_key"),
        groq_base_url=llm.groq_base_url,
        openrouter_api_key=None,
        llm_deadline_s=3.0,
        llm_request_timeout_s=2.5,
        spotify_client_id=CLIENT_ID,
        cooldown_commands=5,
        cooldown_seconds=10.0,
    )


@pytest.fixture
async def services(settings: Settings, fake_spotify: FakeSpotify) -> AsyncIterator[Services]:
    built = await build_services(
        settings, api_base=fake_spotify.api_base, accounts_base=fake_spotify.accounts_base
    )
    try:
        yield built
    finally:
        await built.aclose()


async def link(services: Services, fake: FakeSpotify, discord_user_id: int, spotify_user: str) -> None:
    """Give `discord_user_id` a linked account for `spotify_user` on the fake (as a finished OAuth would)."""
    token = fake.add_user(spotify_user, display_name=spotify_user.title())
    await services.repo.save_account(
        LinkedAccount(
            user_id=discord_user_id,
            spotify_id=spotify_user,
            display_name=spotify_user.title(),
            client_id=CLIENT_ID,
            token=SpotifyToken(
                access_token=token, refresh_token="refresh-" + spotify_user, expires_at=time.time() + 3600
            ),
            linked_at=time.time(),
        )
    )


@pytest.fixture
async def guild_linked(services: Services, fake_spotify: FakeSpotify) -> str:
    """The test guild plays on OWNER_ID's account, Spotify user "alice". Returns the Spotify user id."""
    await link(services, fake_spotify, OWNER_ID, "alice")
    await services.repo.update_guild_settings(GUILD_ID, controller_user_id=OWNER_ID)
    return "alice"


@pytest.fixture
async def bot(services: Services) -> AsyncIterator[SpotifyBot]:
    client = SpotifyBot(services, start_web=False, sync_on_start=False)
    await client._async_setup_hook()
    await client.setup_hook()
    assert client.failed_extensions == []
    yield client
