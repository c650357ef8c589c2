"""Mentions and DMs through the real pipeline (dpytest): parser + fake LLM, spotipy against the fake Spotify."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import AsyncIterator
from typing import Any

import discord
import discord.ext.test as dpytest
import pytest

from bot.app import Services
from bot.client import SpotifyBot
from bot.demo.spotify_server import FakeSpotify
from tests.cogs.conftest import link
from tests.fakes.llm_server import FakeLLMServer, answer


@pytest.fixture
async def dbot(bot: SpotifyBot) -> AsyncIterator[SpotifyBot]:
    # dpytest keeps members only in a member cache, which needs the members intent; the bot itself
    # never asks for it (mentions carry the author as a Member).
    state = bot._connection
    state._intents.members = True
    state.member_cache_flags = discord.MemberCacheFlags.from_intents(state._intents)
    dpytest.configure(bot, members=2)
    dpytest.backend.get_state().loop = (
        asyncio.get_running_loop()
    )  # dpytest leaves it unset: typing() needs it
    yield bot
    await dpytest.empty_queue()


@pytest.fixture
def payloads(dbot: SpotifyBot) -> list[dict[str, Any]]:
    """Every message payload the bot sent (dpytest's Message drops components and the reply reference)."""
    sent: list[dict[str, Any]] = []
    http = dbot.http
    original = http.send_message

    async def recording(channel_id: int, *, params: Any) -> Any:
        sent.append(dict(params.payload or {}))
        # dpytest's send_message reads `channel` from its caller's locals: keep it visible here.
        frame = inspect.currentframe()
        channel = frame.f_back.f_locals.get("channel") if frame and frame.f_back else None  # noqa: F841
        return await original(channel_id, params=params)

    http.send_message = recording  # type: ignore[method-assign]
    return sent


def buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in payload.get("components") or [] for c in row.get("components") or []]


def guild_id() -> int:
    return dpytest.get_config().guilds[0].id


def plan(*actions: dict[str, object]) -> str:
    return json.dumps({"actions": list(actions)})


async def link_guild(services: Services, fake: FakeSpotify) -> str:
    member = dpytest.get_config().members[0]
    await link(services, fake, member.id, "alice")
    await services.repo.update_guild_settings(guild_id(), controller_user_id=member.id)
    return "alice"


async def test_mention_plays_and_turns_it_up(
    dbot: SpotifyBot,
    services: Services,
    fake_spotify: FakeSpotify,
    llm: FakeLLMServer,
    payloads: list[dict[str, Any]],
) -> None:
    spotify_user = await link_guild(services, fake_spotify)
    llm.script(
        answer(
            plan({"action": "play", "query": "daft punk", "kind": "any"}, {"action": "volume", "delta": 20})
        )
    )
    before = fake_spotify.player(spotify_user).volume or 0
    channel = dpytest.get_config().channels[0]
    message = await dpytest.message(f"<@{dbot.user.id}> play daft punk and turn it up", channel=channel)
    reply = dpytest.get_message()
    player = fake_spotify.player(spotify_user)
    assert player.is_playing and player.item is not None
    assert "Daft Punk" in [a["name"] for a in player.item["artists"]]
    assert (player.volume or 0) > before
    assert len(reply.embeds) == 1
    assert payloads[-1]["message_reference"]["message_id"] == message.id  # a reply to the user's message
    description = reply.embeds[0].description or ""
    assert "Daft Punk" in description
    assert str(player.volume) in description


async def test_chat_only_mention_gets_a_short_reply(dbot: SpotifyBot, llm: FakeLLMServer) -> None:
    llm.script(answer(plan({"action": "reply", "text": "Daft Punk are a French duo."})))
    await dpytest.message(f"<@{dbot.user.id}> who are daft punk?")
    reply = dpytest.get_message()
    assert reply.embeds[0].description == "Daft Punk are a French duo."


async def test_messages_without_a_mention_are_ignored(dbot: SpotifyBot, llm: FakeLLMServer) -> None:
    await dpytest.message("play daft punk")
    assert dpytest.verify().message().nothing()
    assert llm.requests == []


async def test_dj_role_refuses_control_from_a_mention(
    dbot: SpotifyBot, services: Services, fake_spotify: FakeSpotify, llm: FakeLLMServer
) -> None:
    spotify_user = await link_guild(services, fake_spotify)
    await services.repo.update_guild_settings(guild_id(), dj_role_id=424242)
    llm.script(answer(plan({"action": "pause"})))
    fake_spotify.player(spotify_user).is_playing = True
    await dpytest.message(f"<@{dbot.user.id}> pause", member=1)
    reply = dpytest.get_message()
    assert "DJ" in (reply.embeds[0].description or "")
    assert fake_spotify.player(spotify_user).is_playing
    assert not [r for r in fake_spotify.requests if r.path.endswith("/me/player/pause")]


async def test_dm_without_a_linked_account_offers_a_link_button(
    dbot: SpotifyBot, llm: FakeLLMServer, fake_spotify: FakeSpotify, payloads: list[dict[str, Any]]
) -> None:
    llm.script(answer(plan({"action": "pause"})))
    member = dpytest.get_config().members[1]
    dm = await member.create_dm()
    await dpytest.message("pause", channel=dm, member=member)
    reply = dpytest.get_message()
    assert "/spotify link" in (reply.embeds[0].description or "")
    (button,) = buttons(payloads[-1])
    assert button["url"].startswith(fake_spotify.accounts_base + "/authorize?")
    assert button["label"] == "Link Spotify"


async def test_dm_recommendation_in_spanish_on_the_users_own_account(
    dbot: SpotifyBot, services: Services, fake_spotify: FakeSpotify, payloads: list[dict[str, Any]]
) -> None:
    member = dpytest.get_config().members[1]
    await link(services, fake_spotify, member.id, "bob")
    dm = await member.create_dm()
    await dpytest.message("recomiéndame algo como Daft Punk", channel=dm, member=member)
    reply = dpytest.get_message()
    description = reply.embeds[0].description or ""
    assert "1. " in description
    labels = [b["label"] for b in buttons(payloads[-1])]
    assert "Reproducir todo" in labels and "Guardar como lista" in labels


async def test_cooldown_answers_with_the_wait(dbot: SpotifyBot, llm: FakeLLMServer) -> None:
    llm.script(answer(plan({"action": "help"})), times=None)
    for _ in range(5):
        await dpytest.message(f"<@{dbot.user.id}> help")
        dpytest.get_message()
    await dpytest.message(f"<@{dbot.user.id}> help")
    reply = dpytest.get_message()
    assert "Try again in" in (reply.embeds[0].description or "")
    assert len(llm.requests_to("groq")) <= 5
