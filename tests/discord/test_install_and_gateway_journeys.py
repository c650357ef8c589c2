"""User installs (a server the bot is not in, group DMs), the command sync at start, and the gateway's
RESUME / INVALID_SESSION, over the wire."""

from __future__ import annotations

import pytest
import pytest_asyncio

from bot.client import COMMAND_TREE_HASH_KEY
from tests.fakes.discord import DiscordHarness, NotOffered, link_spotify

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def traveller(discord_env: DiscordHarness):  # type: ignore[no-untyped-def]
    """A user who installed the app for themselves, with their own Spotify account "erin"."""
    h = discord_env
    user = h.fake.add_user("erin")
    await link_spotify(h, user, "erin")
    return user


async def test_commands_are_offered_to_user_installs_where_they_make_sense(
    discord_env: DiscordHarness,
) -> None:
    by_name = {c["name"]: c for c in discord_env.fake.global_commands}
    for name in ("play", "pause", "nowplaying", "recommend", "spotify", "help", "queue", "ask"):
        assert by_name[name]["integration_types"] == [0, 1], name
        assert by_name[name]["contexts"] == [0, 1, 2], name
    assert by_name["settings"]["integration_types"] == [0] and by_name["settings"]["contexts"] == [0]


async def test_user_install_in_a_server_without_the_bot_plays_on_the_users_account(
    discord_env: DiscordHarness, traveller
) -> None:  # type: ignore[no-untyped-def]
    h = discord_env
    guild = h.fake.add_guild("friends-server", bot_installed=False)
    h.fake.add_member(guild, traveller)
    channel = h.fake.general(guild)
    posts_before = len(h.requests("POST", "/channels/"))
    answer = await h.slash("play", user=traveller, channel=channel, user_installed=True, query="Get Lucky")
    assert answer.errors == [] and "Get Lucky" in answer.text
    assert h.spotify.player("erin").is_playing  # type: ignore[attr-defined]
    now = await h.slash("nowplaying", user=traveller, channel=channel, user_installed=True)
    assert now.errors == [] and "Get Lucky" in now.text
    await h.click(now.message, custom_id="spb:panel:toggle", user=traveller)
    assert not h.spotify.player("erin").is_playing  # type: ignore[attr-defined]
    assert len(h.requests("POST", "/channels/")) == posts_before  # everything went through the interaction


async def test_user_install_in_a_group_dm(discord_env: DiscordHarness, traveller) -> None:  # type: ignore[no-untyped-def]
    h = discord_env
    group = h.fake.add_group_dm(traveller, h.fake.add_user("friend"))
    answer = await h.slash("resume", user=traveller, channel=group, user_installed=True)
    assert answer.errors == [] and h.spotify.player("erin").is_playing  # type: ignore[attr-defined]
    helped = await h.slash("help", user=traveller, channel=group, user_installed=True)
    assert helped.ephemeral


async def test_settings_are_not_offered_to_a_user_install(discord_env: DiscordHarness, traveller) -> None:  # type: ignore[no-untyped-def]
    h = discord_env
    guild = h.fake.add_guild("another", bot_installed=False)
    with pytest.raises(NotOffered):
        await h.slash(
            "settings language",
            user=traveller,
            channel=h.fake.general(guild),
            user_installed=True,
            language="es",
        )


async def test_an_unchanged_restart_syncs_nothing_and_a_changed_tree_syncs_once(
    discord_env: DiscordHarness,
) -> None:
    h = discord_env
    puts = len(h.requests("PUT", "/applications"))
    creates = h.fake.command_creates
    await h.restart()
    assert len(h.requests("PUT", "/applications")) == puts and h.fake.command_creates == creates
    await h.services.repo.set_meta(COMMAND_TREE_HASH_KEY, "an older tree")
    await h.restart()
    assert len(h.requests("PUT", "/applications")) == puts + 1
    assert h.fake.command_creates == creates  # same names: a bulk overwrite creates nothing new
    assert (await h.slash("help")).ephemeral


async def test_the_bot_resumes_after_a_reconnect_request(discord_env: DiscordHarness, traveller) -> None:  # type: ignore[no-untyped-def]
    h = discord_env
    resumes, identifies = h.fake.resumes, h.fake.identifies
    await h.fake.reconnect()
    for _ in range(100):
        if h.fake.resumes > resumes:
            break
        await __import__("asyncio").sleep(0.05)
    assert h.fake.resumes == resumes + 1 and h.fake.identifies == identifies
    assert (await h.slash("help", user=traveller, dm=True)).ephemeral


async def test_the_bot_identifies_again_after_an_invalid_session(discord_env: DiscordHarness) -> None:
    import asyncio

    h = discord_env
    identifies = h.fake.identifies
    await h.fake.invalidate_sessions()
    for _ in range(200):
        if h.fake.identifies > identifies and h.fake.gateway_sessions:
            break
        await asyncio.sleep(0.05)
    assert h.fake.identifies == identifies + 1
    await asyncio.sleep(0.3)
    assert (await h.slash("help")).ephemeral
