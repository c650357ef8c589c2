"""Fixtures for the Discord surface: real services against the fake Spotify and LLM servers, a SpotifyBot
that never logs in, and a hand-made Interaction that records what the bot answered."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
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
    client = SpotifyBot(services, start_web=False)
    await client._async_setup_hook()
    await client.setup_hook()
    assert client.failed_extensions == []
    yield client


# -- a hand-made Interaction ----------------------------------------------------------------------------


@dataclass
class Sent:
    via: str  # send_message | followup | edit_original | edit_message
    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    ephemeral: bool = False

    @property
    def text(self) -> str:
        parts = [self.content or ""]
        if self.embed is not None:
            parts += [self.embed.title or "", self.embed.description or ""]
            parts += [f"{f.name} {f.value}" for f in self.embed.fields]
            parts.append(self.embed.footer.text or "")
        return "\n".join(p for p in parts if p)


class FakeResponse:
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction
        self._done = False
        self.deferred: dict[str, Any] | None = None

    def is_done(self) -> bool:
        return self._done

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> None:
        assert not self._done, "answered twice"
        self._done = True
        self.deferred = {"ephemeral": ephemeral, "thinking": thinking}

    async def send_message(self, content: str | None = None, **kwargs: Any) -> None:
        assert not self._done, "answered twice"
        self._done = True
        self._interaction.record("send_message", content, **kwargs)

    async def edit_message(self, content: str | None = None, **kwargs: Any) -> None:
        assert not self._done, "answered twice"
        self._done = True
        self._interaction.record("edit_message", content, **kwargs)


class FakeFollowup:
    def __init__(self, interaction: FakeInteraction) -> None:
        self._interaction = interaction

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        assert self._interaction.response.is_done(), "followup before the response"
        self._interaction.record("followup", content, **kwargs)


@dataclass
class FakeRole:
    id: int


@dataclass
class FakeUser:
    id: int
    roles: list[FakeRole] = field(default_factory=list)
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeGuild:
    id: int


class FakeInteraction:
    """Just the parts of discord.Interaction the cogs use; records every answer in `sent`."""

    def __init__(
        self,
        client: discord.Client,
        *,
        user_id: int = 222,
        role_ids: tuple[int, ...] = (),
        guild_id: int | None = GUILD_ID,
        locale: discord.Locale = discord.Locale.american_english,
        manage_guild: bool = False,
        component: bool = False,
    ) -> None:
        self.client = client
        self.user = FakeUser(user_id, [FakeRole(r) for r in role_ids])
        self.guild = FakeGuild(guild_id) if guild_id is not None else None
        self.guild_id = guild_id
        self.channel_id = 77
        self.locale = locale
        self.permissions = discord.Permissions(manage_guild=manage_guild)
        self.type = (
            discord.InteractionType.component if component else discord.InteractionType.application_command
        )
        self.response = FakeResponse(self)
        self.followup = FakeFollowup(self)
        self.sent: list[Sent] = []
        self.deleted_original = False

    def record(self, via: str, content: str | None, **kwargs: Any) -> None:
        self.sent.append(
            Sent(via, content, kwargs.get("embed"), kwargs.get("view"), bool(kwargs.get("ephemeral", False)))
        )

    async def edit_original_response(self, content: str | None = None, **kwargs: Any) -> None:
        self.record("edit_original", content, **kwargs)

    async def delete_original_response(self) -> None:
        self.deleted_original = True

    @property
    def last(self) -> Sent:
        assert self.sent, "the bot answered nothing"
        return self.sent[-1]


@pytest.fixture
def interaction(bot: SpotifyBot) -> Any:
    """A factory: interaction(user_id=..., role_ids=..., guild_id=None for a DM, locale=...)."""

    def make(**kwargs: Any) -> Any:
        return FakeInteraction(bot, **kwargs)

    return make
