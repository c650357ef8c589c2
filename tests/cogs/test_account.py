from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import aiohttp
import discord

from bot.client import SpotifyBot
from bot.demo.spotify_server import FakeSpotify
from tests.cogs.conftest import CLIENT_ID


def account(bot: SpotifyBot) -> Any:
    return bot.get_cog("Account")


async def test_link_sends_an_ephemeral_button_and_a_pasted_url_completes_it(
    bot: SpotifyBot, services: Any, interaction: Any, fake_spotify: FakeSpotify
) -> None:
    fake_spotify.add_user("carol", display_name="Carol")
    fake_spotify.register_client(CLIENT_ID, [services.settings.spotify_redirect_uri])
    inter = interaction(user_id=321)
    await account(bot).link.callback(account(bot), inter, None)
    sent = inter.last
    assert sent.ephemeral and "/spotify link url:" in sent.text
    (link_button,) = sent.view.children
    assert isinstance(link_button, discord.ui.Button) and link_button.url
    assert parse_qs(urlparse(link_button.url).query)["client_id"] == [CLIENT_ID]

    fake_spotify.queue_authorization("carol")
    async with aiohttp.ClientSession() as http, http.get(link_button.url, allow_redirects=False) as answer:
        redirected = answer.headers["Location"]
    assert redirected.startswith(services.settings.spotify_redirect_uri)

    pasted = interaction(user_id=321)
    await account(bot).link.callback(account(bot), pasted, redirected)
    assert pasted.last.ephemeral
    status = interaction(user_id=321)
    await account(bot).status.callback(account(bot), status)
    assert "Carol" in status.last.text

    gone = interaction(user_id=321, locale=discord.Locale.spain_spanish)
    await account(bot).unlink.callback(account(bot), gone)
    assert "desvinculada" in gone.last.text
    assert await services.repo.get_account(321) is None


async def test_status_without_an_account(bot: SpotifyBot, interaction: Any) -> None:
    inter = interaction(guild_id=None)
    await account(bot).status.callback(account(bot), inter)
    assert inter.last.ephemeral and "No Spotify account is linked." in inter.last.text
