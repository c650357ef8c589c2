"""Playback journeys over the wire: slash commands, autocomplete, the now-playing panel (before and after a
restart) and mentions, through the real discord.py client logged into the fake Discord."""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.fakes.discord import DiscordHarness, link_spotify

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(discord_env: DiscordHarness) -> str:
    """The test guild plays on the guild owner's Spotify account "alice"."""
    h = discord_env
    spotify_user = await link_spotify(h, h.fake.owner, "alice")
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    return spotify_user


async def test_first_start_registers_the_commands_once(discord_env: DiscordHarness) -> None:
    names = {c["name"] for c in discord_env.fake.global_commands}
    assert {"play", "pause", "nowplaying", "devices", "recommend", "spotify", "settings", "help"} <= names
    assert len(discord_env.requests("PUT", "/applications")) == 1


async def test_help_is_private(discord_env: DiscordHarness) -> None:
    answer = await discord_env.slash("help")
    assert answer.ephemeral and "Daft Punk" in answer.text
    assert answer.errors == []


async def test_play_shows_the_track_to_the_channel(discord_env: DiscordHarness, linked: str) -> None:
    answer = await discord_env.slash("play", query="Get Lucky")
    assert "Get Lucky" in answer.text and not answer.ephemeral
    assert discord_env.spotify.player(linked).is_playing  # type: ignore[attr-defined]


async def test_autocomplete_offers_tracks_from_spotify(discord_env: DiscordHarness, linked: str) -> None:
    choices = await discord_env.autocomplete("play", "query", query="get luc")
    assert choices and any("Get Lucky" in c["name"] for c in choices)
    assert all(c["value"].startswith("spotify:track:") for c in choices)


async def test_panel_buttons_work_and_survive_a_restart(discord_env: DiscordHarness, linked: str) -> None:
    h = discord_env
    await h.slash("play", query="Get Lucky")
    panel = (await h.slash("nowplaying")).message
    assert "Get Lucky" in panel.embeds[0]["title"]
    player = h.spotify.player(linked)  # type: ignore[attr-defined]
    pressed = await h.click(panel, custom_id="spb:panel:toggle")
    assert not player.is_playing and pressed.errors == []
    assert "⏸" in h.fake.world.messages[panel.id].embeds[0]["title"]  # the panel was edited in place
    await h.restart()
    await h.click(panel, custom_id="spb:panel:toggle")
    assert h.spotify.player(linked).is_playing  # type: ignore[attr-defined]


async def test_a_user_without_an_account_is_told_privately(discord_env: DiscordHarness) -> None:
    h = discord_env
    guild = h.fake.add_guild("Unlinked guild")
    user = h.fake.add_user("nolink")
    h.fake.add_member(guild, user)
    await h.restart()  # the bot learns about the new guild at start (GUILD_CREATE)
    answer = await h.slash("pause", user=user, channel=h.fake.general(guild))
    assert answer.ephemeral and "/spotify link" in answer.text


async def test_mention_is_answered_in_the_channel(discord_env: DiscordHarness, linked: str) -> None:
    answer = await discord_env.mention("pause")
    assert answer.messages and "Paus" in answer.text
