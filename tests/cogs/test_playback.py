from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.client import SpotifyBot
from bot.demo.spotify_server import FakeSpotify
from bot.errors import UserFacingError
from cogs.playback import parse_position
from tests.cogs.conftest import DJ_ROLE_ID, GUILD_ID


def cog(bot: SpotifyBot) -> Any:
    found = bot.get_cog("Playback")
    assert found is not None
    return found


async def test_play_starts_the_track_and_says_so(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    inter = interaction()
    playback = cog(bot)
    await playback.play.callback(playback, inter, "Get Lucky Daft Punk")
    player = fake_spotify.player(guild_linked)
    assert player.is_playing and player.item is not None
    assert player.item["name"] == "Get Lucky"
    assert inter.response.deferred == {"ephemeral": False, "thinking": True}
    assert inter.last.via == "followup" and not inter.last.ephemeral
    assert "Get Lucky" in inter.last.text


async def test_dj_role_refuses_control_before_anything_runs(
    bot: SpotifyBot, services: Any, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    await services.repo.update_guild_settings(GUILD_ID, dj_role_id=DJ_ROLE_ID)
    before = len(fake_spotify.requests)
    inter = interaction(locale=discord.Locale.spain_spanish)
    await cog(bot).volume.callback(cog(bot), inter, 80)
    assert inter.last.ephemeral and inter.last.via == "send_message"
    assert "rol de DJ" in inter.last.text
    assert len(fake_spotify.requests) == before  # nothing reached Spotify


async def test_dj_role_member_and_manage_server_may_control(
    bot: SpotifyBot, services: Any, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    await services.repo.update_guild_settings(GUILD_ID, dj_role_id=DJ_ROLE_ID)
    await cog(bot).volume.callback(cog(bot), interaction(role_ids=(DJ_ROLE_ID,)), 35)
    assert fake_spotify.player(guild_linked).volume == 35
    await cog(bot).volume.callback(cog(bot), interaction(user_id=333, manage_guild=True), 45)
    assert fake_spotify.player(guild_linked).volume == 45


async def test_read_only_commands_stay_open_with_a_dj_role(
    bot: SpotifyBot, services: Any, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    await services.repo.update_guild_settings(GUILD_ID, dj_role_id=DJ_ROLE_ID)
    await cog(bot).play.callback(cog(bot), interaction(manage_guild=True), "Get Lucky")
    inter = interaction()
    await cog(bot).queue_show.callback(cog(bot), inter)
    assert not inter.last.ephemeral
    assert "queue" in inter.last.text.lower() and "DJ" not in inter.last.text


async def test_cooldown_refuses_the_sixth_command_with_a_friendly_wait(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    for level in range(5):
        await cog(bot).volume.callback(cog(bot), interaction(), 10 + level)
    inter = interaction()
    await cog(bot).volume.callback(cog(bot), inter, 99)
    assert inter.last.ephemeral
    assert "Try again in" in inter.last.text
    assert fake_spotify.player(guild_linked).volume == 14
    other = interaction(user_id=999)
    await cog(bot).volume.callback(cog(bot), other, 50)
    assert not other.last.ephemeral  # another user is not held back


async def test_spotify_failure_is_a_clear_ephemeral_sentence(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    fake_spotify.set_active_device(guild_linked, None)
    fake_spotify.set_devices(guild_linked, [])
    inter = interaction()
    await cog(bot).pause.callback(cog(bot), inter)
    assert inter.last.ephemeral and inter.deleted_original  # the public "thinking" message was dropped
    assert "device" in inter.last.text.lower()
    assert "Traceback" not in inter.last.text


async def test_guild_without_an_account_says_how_to_link(bot: SpotifyBot, interaction: Any) -> None:
    inter = interaction(locale=discord.Locale.latin_american_spanish)
    await cog(bot).skip.callback(cog(bot), inter, 1)
    assert "/spotify link" in inter.last.text and inter.last.ephemeral


async def test_seek_accepts_minutes_and_seconds(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    await cog(bot).play.callback(cog(bot), interaction(), "Get Lucky")
    await cog(bot).seek.callback(cog(bot), interaction(), "1:30")
    assert 90_000 <= fake_spotify.player(guild_linked).progress_ms < 95_000
    bad = interaction()
    await cog(bot).seek.callback(cog(bot), bad, "soon")
    assert bad.last.ephemeral and "1:30" in bad.last.text


@pytest.mark.parametrize(
    ("position", "reads"),
    [
        ("9" * 5000, "I could not read that position."),  # past Python's int-digit limit
        ("100000", "That position is past the end of any song: use at most 24:00:00."),
        ("99:59:59", "That position is past the end of any song: use at most 24:00:00."),
    ],
)
async def test_seek_out_of_range_says_so(
    bot: SpotifyBot, interaction: Any, guild_linked: str, position: str, reads: str
) -> None:
    inter = interaction()
    await cog(bot).seek.callback(cog(bot), inter, position)
    assert inter.last.ephemeral and inter.last.text.startswith(reads)
    assert "Something went wrong" not in inter.last.text


def test_parse_position() -> None:
    assert parse_position("1:30") == 90
    assert parse_position("90") == 90
    assert parse_position("1:02:03") == 3723
    for bad in ("1:75", "abc", "", "-5"):
        with pytest.raises(UserFacingError):
            parse_position(bad)


async def test_autocomplete_suggests_tracks_and_caches_per_prefix(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str
) -> None:
    choices = await cog(bot).play_autocomplete(interaction(), "get lucky")
    assert choices and choices[0].value.startswith("spotify:track:")
    assert "Get Lucky" in choices[0].name
    searches = len([r for r in fake_spotify.requests if r.path.endswith("/search")])
    again = await cog(bot).play_autocomplete(interaction(user_id=444), "Get  Lucky")
    assert [c.value for c in again] == [c.value for c in choices]
    assert len([r for r in fake_spotify.requests if r.path.endswith("/search")]) == searches
    assert await cog(bot).play_autocomplete(interaction(), "g") == []


async def test_autocomplete_never_raises(bot: SpotifyBot, interaction: Any) -> None:
    assert await cog(bot).play_autocomplete(interaction(), "daft punk") == []  # guild not linked


async def test_ask_runs_free_text_through_the_pipeline(
    bot: SpotifyBot, interaction: Any, fake_spotify: FakeSpotify, guild_linked: str, llm: Any
) -> None:
    from tests.fakes.llm_server import answer

    llm.script(answer('{"actions": [{"action": "volume", "level": 25}]}'))
    inter = interaction()
    await cog(bot).ask.callback(cog(bot), inter, "set the volume to a quarter")
    assert fake_spotify.player(guild_linked).volume == 25
    assert "25" in inter.last.text
