from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import SpotifyBot
from bot.demo.spotify_server import FakeSpotify
from cogs.playback import Playback, parse_position
from bot.errors import UserFacingError


def cog(bot: SpotifyBot) -> Any:
    found = bot.get_cog("Playback")
    assert found is not None
    return found


async def test_play_starts_the_track_and_says_so(bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str) -> None:
    inter = interaction()
    playback = cog(bot)
    await playback.play.callback(playback, inter, "Get Lucky Daft Punk")
    player = fake_spotify.player(guild_linked)
    assert player.is_playing and player.item is not None
    assert player.item["name"] == "Get Lucky"
    assert inter.response.deferred == {"ephemeral": False, "thinking": True}
    assert inter.last.via == "followup" and not inter.last.ephemeral
    assert "Get Lucky" in inter.last.text
