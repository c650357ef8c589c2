"""Recommendation buttons and the device menu over the wire: they work, they are disabled when they expire,
and a click on a stale one (expired, or from before a restart) gets a private "run /… again"."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
import pytest_asyncio

from tests.fakes.discord import DiscordHarness, NotOffered, link_spotify

pytestmark = pytest.mark.asyncio(loop_scope="module")

TTL_S = 1.5


@pytest.fixture(scope="module")
def bot_settings_overrides() -> dict[str, Any]:
    return {"recommend_buttons_ttl_s": TTL_S, "device_menu_ttl_s": TTL_S}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(discord_env: DiscordHarness) -> str:
    h = discord_env
    spotify_user = await link_spotify(h, h.fake.owner, "bob")
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    return spotify_user


async def test_recommend_buttons_play_queue_and_save(discord_env: DiscordHarness, linked: str) -> None:
    h = discord_env
    answer = await h.slash("recommend", prompt="something like Daft Punk", count=3)
    assert not answer.ephemeral and answer.text.count("Get Lucky") == 1
    labels = [c.get("label") for c in answer.components]
    assert labels == ["Play all", "Add to queue", "Save as playlist"]
    assert all(len(c["custom_id"]) <= 100 for c in answer.components)
    played = await h.click(answer.message, label="Play all")
    player = h.spotify.player(linked)  # type: ignore[attr-defined]
    assert player.is_playing and played.errors == []
    await h.click(answer.message, label="Add to queue")
    saved = await h.click(answer.message, label="Save as playlist")
    assert saved.errors == []
    created = [r for r in h.spotify.requests if r.method == "POST" and r.path.endswith("/me/playlists")]  # type: ignore[attr-defined]
    # the name says what it is and when (issue 9)
    assert created and re.fullmatch(
        r"Recommended: something like Daft Punk · \d{1,2} [A-Z][a-z]{2} 20\d\d", created[-1].json["name"]
    )


async def test_recommend_buttons_are_disabled_when_they_expire(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    answer = await h.slash("recommend", prompt="french house", count=2)
    message = answer.message
    await asyncio.sleep(TTL_S + 0.5)
    assert all(c.get("disabled") for c in h.fake.world.messages[message.id].components[0]["components"])
    with pytest.raises(NotOffered):
        await h.click(message, label="Play all")


async def test_a_stale_recommend_button_after_a_restart_says_run_it_again(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    answer = await h.slash("recommend", prompt="disco", count=2)
    await h.restart()  # the recommendations lived in the old process's memory
    clicked = await h.click(answer.message, label="Play all", locale="es-ES")
    assert clicked.message.ephemeral and "/recommend" in clicked.text and "caducaron" in clicked.text
    assert all(
        c.get("disabled") for c in h.fake.world.messages[answer.message.id].components[0]["components"]
    )


async def test_device_menu_lists_every_device_but_offers_only_those_with_an_id(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    user = h.spotify.users[linked]  # type: ignore[attr-defined]
    devices = user.player.devices
    devices.append(dict(devices[0], id=None, name="Restricted speaker", is_active=False))
    devices.append(dict(devices[0], id=None, name="Another restricted", is_active=False))
    answer = await h.slash("devices")
    assert answer.errors == [] and "Restricted speaker" in answer.text and "Another restricted" in answer.text
    (menu,) = answer.components
    values = [o["value"] for o in menu["options"]]
    assert len(values) == len(set(values)) and all(values)
    target = next(o for o in menu["options"] if o["label"] == "Pixel 8")
    chosen = await h.click(answer.message, values=[target["value"]])
    active = h.spotify.player(linked).active_device  # type: ignore[attr-defined]
    assert active is not None and active["name"] == "Pixel 8" and "Pixel 8" in chosen.text
    del devices[-2:]


async def test_device_menu_expires(discord_env: DiscordHarness, linked: str) -> None:
    h = discord_env
    answer = await h.slash("devices")
    message = answer.message
    await asyncio.sleep(TTL_S + 1.2)
    assert h.fake.world.messages[message.id].components[0]["components"][0].get("disabled")


async def test_a_device_menu_from_before_the_ttl_says_run_devices_again(
    discord_env: DiscordHarness, linked: str
) -> None:
    """Even when the disabling edit was lost (e.g. the bot restarted), an old menu answers, never silence."""
    h = discord_env
    answer = await h.slash("devices")
    await h.restart()
    await asyncio.sleep(TTL_S + 1.2)
    stored = h.fake.world.messages[answer.message.id]
    for component in stored.components[0]["components"]:
        component.pop("disabled", None)  # as if the disabling edit never happened
    clicked = await h.click(stored, values=[stored.components[0]["components"][0]["options"][0]["value"]])
    assert clicked.message.ephemeral and "/devices" in clicked.text


async def test_a_component_from_an_older_build_gets_an_answer(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    answer = await h.slash("help")
    message = h.fake.world.messages[answer.message.id]
    message.flags = 0  # a public message with a button from an older build (automatic custom id)
    message.components = [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "Old", "custom_id": "a" * 32}]}
    ]
    clicked = await h.click(message, label="Old")
    assert clicked.message.ephemeral and "expired" in clicked.text


async def test_recommendations_in_a_mention_have_buttons_that_expire_too(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    answer = await h.mention("recommend me songs like Daft Punk")
    labels = [c.get("label") for c in answer.components]
    assert labels == ["Play all", "Add to queue", "Save as playlist"], answer.text
    played = await h.click(answer.message, label="Play all")
    assert played.errors == [] and h.spotify.player(linked).is_playing  # type: ignore[attr-defined]
    await asyncio.sleep(TTL_S + 0.5)
    edited = h.fake.world.messages[answer.message.id]
    assert all(c.get("disabled") for c in edited.components[0]["components"])  # edited as a channel message
