"""Linking Spotify, /settings and the owner's `@bot sync`, over the wire. PUBLIC_BASE_URL is a long hosted name
(a Heroku-style app URL), with which the old link button passed Discord's 512-character limit."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fakes.discord import DiscordHarness, NotOffered, rules
from tests.fakes.discord.fixtures import SPOTIFY_CLIENT_ID

pytestmark = pytest.mark.asyncio(loop_scope="module")

PUBLIC = "https://spotify-discord-bot-production-eu-west-1a2b3c4d5e6f.herokuapp.com"


@pytest.fixture(scope="module")
def bot_settings_overrides() -> dict[str, Any]:
    return {"public_base_url": PUBLIC}


async def test_link_button_is_a_short_link_that_leads_to_spotify(discord_env: DiscordHarness) -> None:
    h = discord_env
    spotify = h.spotify  # type: ignore[attr-defined]
    spotify.add_user("carol", display_name="Carol")
    spotify.register_client(SPOTIFY_CLIENT_ID, [PUBLIC + "/callback"])
    user = h.new_user("carol")
    answer = await h.slash("spotify link", user=user)
    assert answer.errors == [] and answer.ephemeral and "/spotify link url:" in answer.text
    (button,) = answer.components
    assert button["style"] == 5 and len(button["url"]) < 120 and button["url"].startswith(PUBLIC + "/link/")
    assert h.bot is not None and h.bot.web_base_url is not None
    own_server = h.bot.web_base_url + button["url"][len(PUBLIC) :]
    spotify.queue_authorization("carol")
    async with aiohttp.ClientSession() as http:
        async with http.get(own_server, allow_redirects=False) as short:
            assert short.status == 302
            authorize = short.headers["Location"]
        assert authorize.startswith(spotify.accounts_base) and f"client_id={SPOTIFY_CLIENT_ID}" in authorize
        assert len(authorize) > 512 - len(PUBLIC)  # what the button used to carry
        async with http.get(authorize, allow_redirects=False) as approved:
            redirected = approved.headers["Location"]
        async with http.get(h.bot.web_base_url + "/link/unknown", allow_redirects=False) as unknown:
            assert unknown.status == 404 and "/spotify link" in await unknown.text()
    assert redirected.startswith(PUBLIC + "/callback")
    pasted = await h.slash("spotify link", user=user, url=redirected)
    assert pasted.ephemeral and "Carol" in pasted.text
    status = await h.slash("spotify status", user=user, dm=True)
    assert status.ephemeral and "Carol" in status.text
    gone = await h.slash("spotify unlink", user=user, locale="es-ES")
    assert "desvinculada" in gone.text and await h.services.repo.get_account(user.id) is None


async def test_status_without_an_account_in_a_dm(discord_env: DiscordHarness) -> None:
    answer = await discord_env.slash("spotify status", dm=True, user=discord_env.new_user("nobody"))
    assert answer.ephemeral and "No Spotify account is linked." in answer.text


async def test_settings_need_manage_server(discord_env: DiscordHarness) -> None:
    h = discord_env
    role = h.fake.add_role(h.guild, "DJ")
    answer = await h.slash("settings dj-role", role=role)
    assert answer.ephemeral and "Manage Server" in answer.text
    assert (await h.services.repo.get_guild_settings(h.guild.id)).dj_role_id is None


async def test_settings_set_and_clear_the_dj_role_language_controller_and_app(
    discord_env: DiscordHarness,
) -> None:
    h = discord_env
    admin = h.new_user("admin", roles=[h.fake.add_role(h.guild, "Admins", rules.MANAGE_GUILD)])
    role = h.fake.add_role(h.guild, "Deejays")
    answer = await h.slash("settings dj-role", user=admin, role=role)
    assert f"<@&{role.id}>" in answer.text and answer.ephemeral
    assert (await h.services.repo.get_guild_settings(h.guild.id)).dj_role_id == role.id
    await h.slash("settings dj-role", user=admin)
    assert (await h.services.repo.get_guild_settings(h.guild.id)).dj_role_id is None
    target = h.new_user("controller")
    chosen = await h.slash("settings controller", user=admin, options={"user": target})
    # nobody's account plays without their consent (issue 12): the target has not even linked one
    assert "no working Spotify link" in chosen.text
    assert (await h.services.repo.get_guild_settings(h.guild.id)).controller_user_id is None
    await h.slash("settings client-id", user=admin, client_id="f" * 32)
    assert (await h.services.repo.get_guild_settings(h.guild.id)).spotify_client_id == "f" * 32
    bad = await h.slash("settings client-id", user=admin, client_id="not-an-id")
    assert (
        bad.ephemeral and (await h.services.repo.get_guild_settings(h.guild.id)).spotify_client_id == "f" * 32
    )
    spanish = await h.slash("settings language", user=admin, language="es")
    assert spanish.text == "Hablaré español aquí."
    helped = await h.slash("help", locale="en-GB")
    assert "Háblame" in helped.text
    await h.slash("settings language", user=admin, language="auto")


async def test_settings_are_not_offered_in_dms(discord_env: DiscordHarness) -> None:
    with pytest.raises(NotOffered):
        await discord_env.slash("settings language", dm=True, language="es")


async def test_owner_sync_in_a_server_and_in_a_dm_is_answered_once(discord_env: DiscordHarness) -> None:
    h = discord_env
    puts = len(h.requests("PUT", "/applications"))
    answer = await h.mention("sync", user=h.fake.owner)
    assert len(answer.messages) == 1 and "Synced" in answer.text
    assert len(h.requests("PUT", "/applications")) == puts + 1
    in_dm = await h.dm(f"<@{h.fake.bot.id}> sync", user=h.fake.owner)
    assert len(in_dm.messages) == 1 and "Synced" in in_dm.text


async def test_sync_by_someone_else_says_owner_only(discord_env: DiscordHarness) -> None:
    h = discord_env
    puts = len(h.requests("PUT", "/applications"))
    answer = await h.mention("sync", user=h.new_user("sneaky"))
    assert len(answer.messages) == 1 and "owner" in answer.text and "DJ" not in answer.text
    assert len(h.requests("PUT", "/applications")) == puts


async def test_sync_here_removes_guild_copies_instead_of_adding_them(discord_env: DiscordHarness) -> None:
    h = discord_env
    h.fake.guild_commands[h.guild.id] = [dict(c, guild_id=str(h.guild.id)) for c in h.fake.global_commands]
    answer = await h.mention("sync here", user=h.fake.owner)
    assert len(answer.messages) == 1 and h.fake.guild_commands[h.guild.id] == []


async def test_a_link_finished_in_the_browser_is_confirmed_by_dm(discord_env: DiscordHarness) -> None:
    h = discord_env
    spotify = h.spotify  # type: ignore[attr-defined]
    spotify.add_user("gus", display_name="Gus")
    spotify.register_client(SPOTIFY_CLIENT_ID, [PUBLIC + "/callback"])
    user = h.new_user("gus")
    (button,) = (await h.slash("spotify link", user=user, dm=True)).components
    assert h.bot is not None and h.bot.web_base_url is not None
    spotify.queue_authorization("gus")
    async with aiohttp.ClientSession() as http:
        async with http.get(
            h.bot.web_base_url + button["url"][len(PUBLIC) :], allow_redirects=False
        ) as short:
            authorize = short.headers["Location"]
        async with http.get(authorize, allow_redirects=False) as approved:
            redirected = approved.headers["Location"]
        callback = h.bot.web_base_url + redirected[len(PUBLIC) :]  # the browser lands on our /callback
        async with http.get(callback) as page:
            assert page.status == 200 and "Gus" in await page.text()
    for _ in range(100):
        dms = [m for m in h.fake.messages_in(h.fake.dm_channel(user)) if m.author_id == h.fake.bot.id]
        if dms:
            break
        await __import__("asyncio").sleep(0.05)
    assert dms and "Gus" in dms[-1].embeds[0]["description"]
    assert h.requests("POST", "/users/@me/channels")
