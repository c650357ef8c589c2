from __future__ import annotations

import re
from typing import Any

import discord

from bot.client import SpotifyBot
from bot.demo.spotify_server import FakeSpotify


def recommend(bot: SpotifyBot) -> Any:
    return bot.get_cog("Recommend")


def button(view: discord.ui.View, label: str) -> discord.ui.Button[Any]:
    return next(b for b in view.children if isinstance(b, discord.ui.Button) and b.label == label)


async def test_recommend_lists_real_tracks_with_buttons_that_play_queue_and_save(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    inter = interaction()
    await recommend(bot).recommend.callback(recommend(bot), inter, "something like Daft Punk", 3)
    sent = inter.last
    view = sent.view
    assert view is not None
    uris = view.uris  # type: ignore[attr-defined]
    assert 1 <= len(uris) <= 3
    assert sent.text.count("Get Lucky") == 1  # listed once, not repeated
    assert f"{len(uris)}. " in sent.text

    played = interaction(component=True)
    await button(view, "Play all").callback(played)
    player = fake_spotify.player(guild_linked)
    assert player.is_playing and player.tracks == uris
    assert str(len(uris)) in played.last.text

    queued = interaction(component=True)
    await button(view, "Add to queue").callback(queued)
    assert player.queue[-len(uris) :] == uris

    saved = interaction(component=True)
    await button(view, "Save as playlist").callback(saved)
    created = [r for r in fake_spotify.requests if r.method == "POST" and r.path.endswith("/me/playlists")]
    # the name says what it is and when
    assert created and re.fullmatch(
        r"Recommended: something like Daft Punk · \d{1,2} [A-Z][a-z]{2} 20\d\d", created[-1].json["name"]
    )


async def test_recommend_buttons_respect_the_dj_role(
    bot: SpotifyBot, services: Any, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    from tests.cogs.conftest import DJ_ROLE_ID, GUILD_ID

    inter = interaction()
    await recommend(bot).recommend.callback(recommend(bot), inter, "upbeat french house", 2)
    await services.repo.update_guild_settings(GUILD_ID, dj_role_id=DJ_ROLE_ID)
    pressed = interaction(component=True)
    await button(inter.last.view, "Play all").callback(pressed)
    assert pressed.last.ephemeral and "DJ" in pressed.last.text
    assert not fake_spotify.player(guild_linked).is_playing
