from __future__ import annotations

from typing import Any

import discord

from bot.client import SpotifyBot
from bot.demo.spotify_server import FakeSpotify
from tests.cogs.conftest import DJ_ROLE_ID, GUILD_ID


def panel(bot: SpotifyBot) -> Any:
    found = bot.get_cog("Panel")
    assert found is not None
    return found


def playback(bot: SpotifyBot) -> Any:
    return bot.get_cog("Playback")


def custom_ids(view: discord.ui.View) -> list[str]:
    buttons = [getattr(item, "item", item) for item in view.children]
    return [b.custom_id for b in buttons if isinstance(b, discord.ui.Button) and b.custom_id]


async def press(bot: SpotifyBot, interaction: Any, op: str, **kwargs: Any) -> Any:
    """Press a panel button the way discord.py does after a restart: from its custom id alone."""
    inter = interaction(component=True, **kwargs)
    view = discord.ui.View(timeout=None)
    for pattern, item_cls in bot._connection._view_store._dynamic_items.items():
        match = pattern.fullmatch(f"spb:panel:{op}")
        if match:
            button = discord.ui.Button(custom_id=f"spb:panel:{op}")
            item = await item_cls.from_custom_id(inter, button, match)
            view.add_item(item)
            await item.callback(inter)
            return inter
    raise AssertionError("no dynamic item handles the panel custom id")


async def test_nowplaying_shows_the_panel_with_persistent_buttons(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    await playback(bot).play.callback(playback(bot), interaction(), "Get Lucky")
    inter = interaction()
    await panel(bot).nowplaying.callback(panel(bot), inter)
    sent = inter.last
    assert sent.embed is not None and "Get Lucky" in (sent.embed.title or "")
    assert "●" in sent.text and "Volume" in sent.text
    assert sent.view is not None and sent.view.timeout is None
    assert custom_ids(sent.view) == [
        f"spb:panel:{op}"
        for op in ("prev", "toggle", "next", "shuffle", "repeat", "voldown", "volup", "like")
    ]


async def test_buttons_work_from_the_custom_id_and_refresh_the_panel(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    await playback(bot).play.callback(playback(bot), interaction(), "Get Lucky")
    player = fake_spotify.player(guild_linked)
    assert player.is_playing
    inter = await press(bot, interaction, "toggle")
    assert not player.is_playing
    assert inter.last.via == "edit_original" and "⏸" in (inter.last.embed.title or "")
    volume = player.volume or 0
    await press(bot, interaction, "volup")
    assert player.volume == volume + 10
    await press(bot, interaction, "shuffle")
    assert player.shuffle
    await press(bot, interaction, "repeat")
    assert player.repeat == "context"


async def test_buttons_respect_the_dj_role(
    bot: SpotifyBot, services: Any, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    await playback(bot).play.callback(playback(bot), interaction(), "Get Lucky")
    await services.repo.update_guild_settings(GUILD_ID, dj_role_id=DJ_ROLE_ID)
    inter = await press(bot, interaction, "toggle")
    assert fake_spotify.player(guild_linked).is_playing
    assert inter.last.ephemeral and "DJ" in inter.last.text
    inter = await press(bot, interaction, "toggle", role_ids=(DJ_ROLE_ID,))
    assert not fake_spotify.player(guild_linked).is_playing


async def test_devices_lists_and_the_select_moves_playback(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    inter = interaction()
    await panel(bot).devices.callback(panel(bot), inter)
    assert "Pixel 8" in inter.last.text
    view = inter.last.view
    assert view is not None
    (select,) = view.children
    assert isinstance(select, discord.ui.Select)
    target = next(o for o in select.options if o.label == "Pixel 8")
    select._values = [target.value]  # what discord.py fills in from the interaction payload
    chosen = interaction(component=True)
    await select.callback(chosen)
    active = fake_spotify.player(guild_linked).active_device
    assert active is not None and active["name"] == "Pixel 8"
    assert "Pixel 8" in chosen.last.text
