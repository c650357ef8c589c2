"""Playback journeys over the wire: every playback slash command, autocomplete, the DJ role (from the interaction
payload), the now-playing panel before and after a restart, through the real discord.py client."""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.fakes.discord import DiscordHarness, link_spotify, rules
from tests.fakes.discord.world import Guild

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(discord_env: DiscordHarness) -> str:
    """The test guild plays on the guild owner's Spotify account "alice"."""
    h = discord_env
    spotify_user = await link_spotify(h, h.fake.owner, "alice")
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    return spotify_user


async def guild_playing_on(h: DiscordHarness, name: str, spotify_user: str, **kwargs: bool) -> Guild:
    guild = await h.new_guild(name, **kwargs)
    owner = h.fake.add_user(f"{name}-owner")
    await link_spotify(h, owner, spotify_user)
    await h.services.repo.update_guild_settings(guild.id, controller_user_id=owner.id)
    return guild


def player(h: DiscordHarness, spotify_user: str):  # type: ignore[no-untyped-def]
    return h.spotify.player(spotify_user)  # type: ignore[attr-defined]


async def test_first_start_registers_the_commands_once(discord_env: DiscordHarness) -> None:
    names = {c["name"] for c in discord_env.fake.global_commands}
    assert {"play", "pause", "nowplaying", "devices", "recommend", "spotify", "settings", "help"} <= names
    assert len(discord_env.requests("PUT", "/applications")) == 1


async def test_help_is_private(discord_env: DiscordHarness) -> None:
    answer = await discord_env.slash("help")
    assert answer.ephemeral and "Daft Punk" in answer.text
    assert answer.errors == []


async def test_play_shows_the_track_to_the_channel(discord_env: DiscordHarness, linked: str) -> None:
    answer = await discord_env.slash("play", query="Get Lucky Daft Punk")
    assert "Get Lucky" in answer.text and not answer.ephemeral
    item = player(discord_env, linked).item
    assert player(discord_env, linked).is_playing and item is not None and item["name"] == "Get Lucky"
    assert answer.interaction is not None and answer.interaction.response_type == 5  # deferred, then answered


async def test_every_control_command_reaches_spotify(discord_env: DiscordHarness, linked: str) -> None:
    h = discord_env
    await h.slash("play", query="Get Lucky")
    assert not (await h.slash("pause")).ephemeral and not player(h, linked).is_playing
    await h.slash("resume")
    assert player(h, linked).is_playing
    await h.slash("volume", level=35)
    assert player(h, linked).volume == 35
    await h.slash("shuffle", state="on")
    assert player(h, linked).shuffle
    await h.slash("repeat", mode="track")
    assert player(h, linked).repeat == "track"
    await h.slash("seek", position="1:30")
    assert 90_000 <= player(h, linked).progress_ms < 95_000
    await h.slash("queue add", query="One More Time")
    assert any("One More Time" in str(uri) or uri for uri in player(h, linked).queue)
    shown = await h.slash("queue show")
    assert "One More Time" in shown.text and not shown.ephemeral
    await h.slash("skip")
    await h.slash("previous")
    liked = await h.slash("like")
    assert liked.errors == [] and not liked.ephemeral
    made = await h.slash("playlist create", name="Road trip")
    assert "Road trip" in made.text
    added = await h.slash("playlist add", name="Road trip", query="Get Lucky")
    assert added.errors == [] and "Road trip" in added.text


async def test_bad_seek_position_is_a_private_hint(discord_env: DiscordHarness, linked: str) -> None:
    answer = await discord_env.slash("seek", position="soon")
    assert answer.ephemeral and "1:30" in answer.text


async def test_a_spotify_failure_replaces_the_public_thinking_with_a_private_sentence(
    discord_env: DiscordHarness,
) -> None:
    h = discord_env
    guild = await guild_playing_on(h, "nodevice", "nodevice-user")
    h.spotify.set_devices("nodevice-user", [])  # type: ignore[attr-defined]
    answer = await h.slash("pause", channel=h.fake.general(guild))
    assert answer.ephemeral and "device" in answer.text.lower() and "Traceback" not in answer.text
    public = [m for m in h.fake.messages_in(h.fake.general(guild)) if not m.ephemeral]
    assert public == []  # the deferred "thinking" message was deleted, not left spinning


async def test_autocomplete_offers_tracks_and_caches_per_prefix(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    choices = await h.autocomplete("play", "query", query="get luc")
    assert choices and "Get Lucky" in choices[0]["name"]
    assert all(c["value"].startswith("spotify:track:") for c in choices)
    searches = len([r for r in h.spotify.requests if r.path.endswith("/search")])  # type: ignore[attr-defined]
    again = await h.autocomplete("queue add", "query", user=h.new_user("other"), query="Get  Luc")
    assert [c["value"] for c in again] == [c["value"] for c in choices]
    assert len([r for r in h.spotify.requests if r.path.endswith("/search")]) == searches  # type: ignore[attr-defined]
    assert await h.autocomplete("play", "query", query="g") == []


async def test_dj_role_comes_from_the_interaction_not_the_guild_cache(discord_env: DiscordHarness) -> None:
    """A guild added with only applications.commands: no GUILD_CREATE, the bot caches nothing, yet a DJ is
    recognised from the role ids in the interaction payload."""
    h = discord_env
    guild = await guild_playing_on(h, "commands-only", "dj-user", bot_member=False)
    dj = h.fake.add_role(guild, "DJ")
    await h.services.repo.update_guild_settings(guild.id, dj_role_id=dj.id)
    channel = h.fake.general(guild)
    assert h.bot is not None and h.bot.get_guild(guild.id) is None
    listener = h.new_user("listener2", guild)
    refused = await h.slash("volume", user=listener, channel=channel, level=80, locale="es-ES")
    assert refused.ephemeral and "rol de DJ" in refused.text
    assert player(h, "dj-user").volume != 80
    deejay = h.new_user("deejay", guild, [dj])
    allowed = await h.slash("volume", user=deejay, channel=channel, level=80)
    assert not allowed.ephemeral and player(h, "dj-user").volume == 80
    manager = h.new_user("manager", guild, [h.fake.add_role(guild, "Mods", rules.MANAGE_GUILD)])
    await h.slash("volume", user=manager, channel=channel, level=45)
    assert player(h, "dj-user").volume == 45
    readonly = await h.slash("queue show", user=listener, channel=channel)
    assert not readonly.ephemeral and "DJ" not in readonly.text


async def test_panel_buttons_work_and_survive_a_restart(discord_env: DiscordHarness, linked: str) -> None:
    h = discord_env
    await h.slash("play", query="Get Lucky")
    panel = (await h.slash("nowplaying")).message
    assert "Get Lucky" in panel.embeds[0]["title"]
    assert [c["custom_id"] for c in h.fake.world.messages[panel.id].components[0]["components"]][:2] == [
        "spb:panel:prev",
        "spb:panel:toggle",
    ]
    pressed = await h.click(panel, custom_id="spb:panel:toggle")
    assert not player(h, linked).is_playing and pressed.errors == []
    assert "⏸" in h.fake.world.messages[panel.id].embeds[0]["title"]  # the panel was edited in place
    volume = player(h, linked).volume or 0
    await h.click(panel, custom_id="spb:panel:volup")
    assert player(h, linked).volume == min(100, volume + 10)
    await h.restart()
    await h.click(panel, custom_id="spb:panel:toggle")
    assert player(h, linked).is_playing


async def test_panel_buttons_respect_the_dj_role(discord_env: DiscordHarness) -> None:
    h = discord_env
    guild = await guild_playing_on(h, "dj-panel", "panel-user")
    channel = h.fake.general(guild)
    await h.slash("play", channel=channel, query="Get Lucky")
    panel = (await h.slash("nowplaying", channel=channel)).message
    dj = h.fake.add_role(guild, "DJ")
    await h.services.repo.update_guild_settings(guild.id, dj_role_id=dj.id)
    refused = await h.click(panel, custom_id="spb:panel:toggle", user=h.new_user("nodj", guild))
    assert refused.ephemeral and "DJ" in refused.text and player(h, "panel-user").is_playing
    await h.click(panel, custom_id="spb:panel:toggle", user=h.new_user("dj", guild, [dj]))
    assert not player(h, "panel-user").is_playing


async def test_a_user_without_an_account_is_told_privately(discord_env: DiscordHarness) -> None:
    h = discord_env
    guild = await h.new_guild("Unlinked guild")
    answer = await h.slash(
        "skip", user=h.new_user("nolink", guild), channel=h.fake.general(guild), locale="es-419"
    )
    assert answer.ephemeral and "/spotify link" in answer.text


async def test_ask_runs_free_text(discord_env: DiscordHarness, linked: str) -> None:
    answer = await discord_env.slash("ask", text="pause")
    assert not answer.ephemeral and answer.errors == []
    assert not player(discord_env, linked).is_playing


async def test_a_rate_limited_followup_is_retried_after_retry_after(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    rule = h.fake.rate_limit("POST", r"/webhooks/\d+/[^/]+", retry_after=0.3)
    answer = await h.slash("resume")
    assert rule.hits and answer.errors == [] and "Traceback" not in answer.text
    assert answer.messages and not answer.message.loading
