"""pytest fixtures: one fake Discord, fake Spotify, fake LLM and one logged-in SpotifyBot per test module."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from pydantic import SecretStr

from bot.app import build_services
from bot.config import Settings
from bot.storage.repository import LinkedAccount, SpotifyToken
from tests.fakes.discord.harness import DiscordHarness
from tests.fakes.discord.server import FakeDiscord
from tests.fakes.discord.world import User
from tests.fakes.llm_server import FakeLLMServer
from tests.fakes.spotify import FakeSpotify

SPOTIFY_CLIENT_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def bot_settings_overrides() -> dict[str, Any]:
    """Override in a test module to change the bot's Settings for that module's bot."""
    return {}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord_env(
    tmp_path_factory: pytest.TempPathFactory, bot_settings_overrides: dict[str, Any]
) -> AsyncIterator[DiscordHarness]:
    """Fake Discord + fake Spotify + fake LLM, real services and a SpotifyBot logged in over the wire."""
    async with FakeLLMServer() as llm, FakeDiscord() as fake:
        spotify = FakeSpotify()
        await spotify.start()
        values: dict[str, Any] = {
            "data_dir": tmp_path_factory.mktemp("bot"),
            "groq_api_key": SecretStr("gsk_test_key"),
            "groq_base_url": llm.groq_base_url,
            "openrouter_api_key": None,
            "llm_deadline_s": 3.0,
            "llm_request_timeout_s": 2.5,
            "spotify_client_id": SPOTIFY_CLIENT_ID,
            "cooldown_commands": 1000,
            "cooldown_seconds": 1.0,
            "web_port": 0,
            "owner_ids": [fake.owner.id],
        }
        values.update(bot_settings_overrides)
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        services = await build_services(
            settings, api_base=spotify.api_base, accounts_base=spotify.accounts_base
        )
        harness = DiscordHarness(fake, services)
        harness.spotify = spotify  # type: ignore[attr-defined]
        harness.llm = llm  # type: ignore[attr-defined]
        try:
            await harness.start()
            yield harness
        finally:
            await harness.stop()
            await spotify.stop()


async def link_spotify(harness: DiscordHarness, user: User, spotify_user: str, **add_user: Any) -> str:
    """Give a Discord user a linked Spotify account on the fake Spotify (as a finished OAuth would).
    Returns the Spotify user id."""
    spotify: FakeSpotify = harness.spotify  # type: ignore[attr-defined]
    if spotify_user not in spotify.users:
        token = spotify.add_user(spotify_user, display_name=spotify_user.title(), **add_user)
    else:
        token = spotify.issue_token(spotify_user)
    await harness.services.repo.save_account(
        LinkedAccount(
            user_id=user.id,
            spotify_id=spotify_user,
            display_name=spotify_user.title(),
            client_id=SPOTIFY_CLIENT_ID,
            token=SpotifyToken(
                access_token=token, refresh_token="refresh-" + spotify_user, expires_at=time.time() + 3600
            ),
            linked_at=time.time(),
        )
    )
    return spotify_user
