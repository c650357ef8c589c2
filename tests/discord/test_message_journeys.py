"""Mentions and DMs over the real gateway: the bot answers once, with a reply when it may, a plain message
when it may not (no Read Message History, the user deleted their message), text when it cannot embed, and a
log line when it cannot speak at all."""

from __future__ import annotations

import logging

import pytest
import pytest_asyncio

from tests.fakes.discord import DiscordHarness, link_spotify, rules

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(discord_env: DiscordHarness) -> str:
    h = discord_env
    spotify_user = await link_spotify(h, h.fake.owner, "dora")
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    await link_spotify(h, h.user, "dora")  # the listener's own account, for DMs
    return spotify_user


async def test_a_mention_gets_one_reply(discord_env: DiscordHarness, linked: str) -> None:
    h = discord_env
    answer = await h.mention("play Get Lucky")
    assert len(answer.messages) == 1 and "Get Lucky" in answer.text
    assert answer.message.reference is not None  # a reply to the user's message
    assert h.spotify.player(linked).is_playing  # type: ignore[attr-defined]


async def test_a_dm_is_answered_once_in_the_dm(discord_env: DiscordHarness, linked: str) -> None:
    h = discord_env
    answer = await h.dm("pausa")
    assert len(answer.messages) == 1 and answer.message.channel_id == h.fake.dm_channel(h.user).id
    assert not h.spotify.player(linked).is_playing  # type: ignore[attr-defined]


async def test_plain_chatter_is_not_read(discord_env: DiscordHarness, linked: str) -> None:
    answer = await discord_env.say("play Get Lucky", wait_s=1.0)  # no mention: no message-content intent
    assert answer.messages == []


async def test_without_read_message_history_the_answer_is_a_plain_message(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    channel = h.fake.add_channel(h.guild, "no-history", bot_deny=rules.READ_MESSAGE_HISTORY)
    await h.fake.join_guild(h.guild)  # Discord sends the guild (with the new channel) again
    answer = await h.mention("resume", channel=channel)
    assert len(answer.messages) == 1 and answer.message.reference is None
    assert rules.REPLY_NEEDS_HISTORY in [e.code for e in h.fake.exchanges]


async def test_when_the_user_deleted_their_message_the_answer_still_arrives(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    typing_path = f"/channels/{h.channel.id}/typing"

    def delete_while_typing(method: str, path: str) -> None:
        if method == "POST" and path == typing_path:
            for message in h.fake.messages_in(h.channel):
                if message.author_id == h.user.id:
                    message.deleted = True

    h.fake.before_request.append(delete_while_typing)
    try:
        answer = await h.mention("pause")
    finally:
        h.fake.before_request.remove(delete_while_typing)
    assert len(answer.messages) == 1 and answer.message.reference is None and "Paus" in answer.text


async def test_without_embed_links_the_answer_is_text(discord_env: DiscordHarness, linked: str) -> None:
    h = discord_env
    channel = h.fake.add_channel(h.guild, "no-embeds", bot_deny=rules.EMBED_LINKS)
    await h.fake.join_guild(h.guild)
    answer = await h.mention("resume", channel=channel)
    assert len(answer.messages) == 1 and answer.message.embeds == [] and answer.message.content


async def test_when_the_bot_cannot_speak_it_logs_the_failure(
    discord_env: DiscordHarness, linked: str, caplog: pytest.LogCaptureFixture
) -> None:
    h = discord_env
    channel = h.fake.add_channel(h.guild, "muted", bot_deny=rules.SEND_MESSAGES)
    await h.fake.join_guild(h.guild)
    with caplog.at_level(logging.WARNING, logger="cogs"):
        answer = await h.mention("pause", channel=channel, wait_s=1.5)
    assert answer.messages == []
    assert f"in channel {channel.id}" in caplog.text and "could not answer" in caplog.text


async def test_an_unlinked_user_gets_a_short_link_button(discord_env: DiscordHarness) -> None:
    h = discord_env
    answer = await h.dm("play Get Lucky", user=h.fake.add_user("newcomer"))
    (button,) = answer.components
    assert h.bot is not None and button["url"].startswith(f"{h.bot.web_base_url}/link/")
    assert "/spotify link" in answer.text
