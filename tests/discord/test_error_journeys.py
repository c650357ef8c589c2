"""What users read when they are held back or something fails, over the wire."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from tests.fakes.discord import DiscordHarness, link_spotify

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def bot_settings_overrides() -> dict[str, Any]:
    return {"cooldown_commands": 3, "cooldown_seconds": 30.0}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(discord_env: DiscordHarness) -> str:
    h = discord_env
    spotify_user = await link_spotify(h, h.fake.owner, "fay")
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    return spotify_user


async def test_cooldown_refuses_the_fourth_command_with_a_friendly_wait(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    user = h.new_user("eager")
    for level in range(3):
        assert not (await h.slash("volume", user=user, level=10 + level)).ephemeral
    held = await h.slash("volume", user=user, level=99)
    assert held.ephemeral and "Try again in" in held.text and held.errors == []
    assert h.spotify.player(linked).volume == 12  # type: ignore[attr-defined]
    other = await h.slash("volume", user=h.new_user("patient"), level=50)
    assert not other.ephemeral  # another user is not held back


@pytest.mark.parametrize(
    ("position", "reads"),
    [
        ("9" * 5000, "I could not read that position."),
        ("100000", "That position is past the end of any song: use at most 24:00:00."),
    ],
)
async def test_seek_out_of_range_says_so(
    discord_env: DiscordHarness, linked: str, position: str, reads: str
) -> None:
    answer = await discord_env.slash(
        "seek", user=discord_env.new_user(f"seeker{len(position)}"), position=position
    )
    assert answer.ephemeral and answer.text.startswith(reads) and "Something went wrong" not in answer.text


async def test_help_in_spanish_in_a_dm(discord_env: DiscordHarness) -> None:
    answer = await discord_env.slash("help", dm=True, locale="es-419")
    assert answer.ephemeral and "Háblame" in answer.text
