"""/dj start and /dj stop over the wire (fake Discord), and the now-playing panel showing DJ mode."""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.fakes.discord import DiscordHarness, link_spotify

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(discord_env: DiscordHarness) -> str:
    h = discord_env
    spotify_user = await link_spotify(h, h.fake.owner, "dana")
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    return spotify_user


async def test_dj_start_shows_on_the_panel_and_stop_turns_it_off(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    started = await h.slash("dj start", vibe="chill for the evening")
    assert "DJ mode is on" in started.text and "1. " in started.text
    assert len(h.spotify.player(linked).upcoming) >= 3  # type: ignore[attr-defined]

    panel = await h.slash("nowplaying")
    assert "DJ mode: chill for the evening" in panel.text

    stopped = await h.slash("dj stop")
    assert "DJ mode is off" in stopped.text
    assert await h.services.repo.dj_states() == {}
    again = await h.slash("nowplaying")
    assert "DJ mode" not in again.text


async def test_dj_mode_is_started_and_stopped_by_mentions_in_both_languages(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    started = await h.mention("DJ something chill for the evening", user=h.fake.owner)
    assert "DJ mode is on" in started.text
    assert h.services.dj is not None
    state = h.services.dj.status(h.guild.id)
    assert state is not None and state.vibe == "chill for the evening"
    assert len(h.spotify.player(linked).upcoming) >= 3  # type: ignore[attr-defined]

    stopped = await h.mention("para el modo dj", user=h.fake.owner)
    assert h.services.dj.status(h.guild.id) is None
    assert await h.services.repo.dj_states() == {}
    assert "Modo DJ desactivado." in stopped.text

    spanish = await h.mention("pon algo tranquilo y sigue así", user=h.fake.owner)
    state = h.services.dj.status(h.guild.id)
    assert state is not None and state.vibe == "tranquilo" and state.lang == "es"
    assert "Modo DJ" in spanish.text
    await h.mention("stop dj mode", user=h.fake.owner)
    assert h.services.dj.status(h.guild.id) is None
