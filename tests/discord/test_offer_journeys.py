"""'add this to my gym playlist' when there is no such playlist: the answer offers to create it with a button,
only the person who asked can press it, and pressing it creates the playlist and adds the song."""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.fakes.discord import DiscordHarness, link_spotify

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(discord_env: DiscordHarness) -> str:
    h = discord_env
    spotify_user = await link_spotify(h, h.fake.owner, "erin")
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    return spotify_user


async def test_a_missing_playlist_comes_with_a_create_button_only_the_asker_can_press(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    await h.mention("play Get Lucky")
    answer = await h.mention("add this to my gym playlist")
    assert 'You have no playlist called "gym" (you have no playlists yet).' in answer.text
    assert 'Shall I create a playlist called "gym" and add the song to it?' in answer.text
    assert [c.get("label") for c in answer.components] == ['Create "gym"']
    someone_else = await h.click(answer.message, label='Create "gym"', user=h.fake.owner)
    assert someone_else.ephemeral and "Only the person who asked can answer this." in someone_else.text
    assert not h.spotify.users[linked].playlist_ids  # type: ignore[attr-defined]
    pressed = await h.click(answer.message, label='Create "gym"')
    assert pressed.errors == []
    assert "Created the playlist gym." in pressed.text.replace("**", "")
    assert "Get Lucky" in pressed.text and "to gym." in pressed.text.replace("**", "")
