"""Issue 12 over the wire: consent before a server plays on someone's account (item 1), autocomplete that can
never starve commands (7), escaped user- and Spotify-supplied text (8), /seek bounds (9), no interaction token
in a DEBUG log (10). The real discord.py client, logged into the fake Discord."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import time

import aiohttp
import pytest
import pytest_asyncio

from bot.__main__ import configure_logging
from bot.config import Settings
from bot.spotify.consent import ControllerConsent
from tests.fakes.discord import DiscordHarness, link_spotify
from tests.fakes.discord.harness import Answer, components_of, message_text
from tests.fakes.discord.world import Message, User
from tests.fakes.llm_server import FakeLLMServer, answer

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def linked(discord_env: DiscordHarness) -> str:
    """The test guild plays on the guild owner's Spotify account "alice"."""
    h = discord_env
    spotify_user = await link_spotify(h, h.fake.owner, "alice")
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    return spotify_user


async def controller(h: DiscordHarness) -> int | None:
    return (await h.services.repo.get_guild_settings(h.guild.id)).controller_user_id


async def set_controller(h: DiscordHarness, member: User | None) -> Answer:
    """The guild owner runs `/settings controller user:<member>` (an option the harness's `user=` shadows)."""
    options = {} if member is None else {"user": member}
    data = h._command_data("settings controller", h.channel, options, None, False)
    inter = h.fake.new_interaction(2, h.fake.owner, h.channel, data, locale="en-US")
    return await h._run_interaction(inter, 10.0)


def dms_to(h: DiscordHarness, user: object) -> list[Message]:
    return h.fake.messages_in(h.fake.dm_channel(user))  # type: ignore[arg-type]


# -- item 1: consent --------------------------------------------------------------------------------------


async def test_an_admin_cannot_make_someone_the_controller_without_their_consent(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    bob = h.fake.add_user("bob")
    h.fake.add_member(h.guild, bob)
    await link_spotify(h, bob, "bob")  # linked for DMs only; never agreed to play for this server

    asked = await set_controller(h, bob)
    assert asked.ephemeral and "I asked" in asked.text and "by DM" in asked.text
    assert await controller(h) == h.fake.owner.id  # nothing changed yet

    request = dms_to(h, bob)[-1]
    text = message_text(request)
    assert "wants that server to play music on your Spotify account **Bob**" in text
    assert "see what you are listening to" in text and "expires in 10 minutes" in text

    await h.restart()  # a deploy (or another process) between the request and the answer
    allowed = await h.click(request, label="Allow", user=bob)
    assert allowed.errors == []
    assert await controller(h) == bob.id
    edited = h.fake.world.messages[request.id]
    assert "now plays music on your Spotify account" in message_text(edited)
    assert [c.get("label") for c in components_of(edited)] == ["Stop sharing"]

    again = await h.click(edited, label="Stop sharing", user=bob)  # they withdraw
    assert "no longer uses your Spotify account" in again.text
    assert await controller(h) is None


async def test_decline_expiry_and_closed_dms_leave_the_server_unchanged(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    carol = h.fake.add_user("carol")
    h.fake.add_member(h.guild, carol)
    await link_spotify(h, carol, "carol")

    await set_controller(h, carol)
    declined = await h.click(dms_to(h, carol)[-1], label="Decline", user=carol)
    assert "will not use your Spotify account" in declined.text
    assert await controller(h) == h.fake.owner.id

    await set_controller(h, carol)
    pending = dms_to(h, carol)[-1]
    state = h.bot.state  # type: ignore[attr-defined]
    real = state.consent
    state.consent = ControllerConsent(h.services.repo, clock=lambda: time.time() + 601)  # 10 minutes later
    try:
        late = await h.click(pending, label="Allow", user=carol)
    finally:
        state.consent = real
    assert "has expired or was already answered" in late.text and late.ephemeral
    assert await controller(h) == h.fake.owner.id

    await set_controller(h, carol)
    await h.services.links.unlink(carol.id)  # type: ignore[union-attr]  # carol unlinked before answering
    gone = await h.click(dms_to(h, carol)[-1], label="Allow", user=carol)
    assert "Your Spotify link is gone or has expired, so nothing changed." in gone.text
    assert await controller(h) == h.fake.owner.id

    intruder = h.fake.add_user("mallory")  # the button carries carol's proof, not anyone else's
    h.fake.add_member(h.guild, intruder)
    await link_spotify(h, intruder, "mallory")
    refused = await h.click(pending, label="Allow", user=intruder)
    assert "Only the member whose account it is can answer this." in refused.text
    assert await controller(h) == h.fake.owner.id

    dan = h.fake.add_user("dan", accepts_dms=False)
    h.fake.add_member(h.guild, dan)
    await link_spotify(h, dan, "dan")
    closed = await set_controller(h, dan)
    assert "could not send" in closed.text and "nothing changed" in closed.text
    assert await controller(h) == h.fake.owner.id

    erin = h.fake.add_user("erin")
    h.fake.add_member(h.guild, erin)
    unlinked = await set_controller(h, erin)
    assert "no working Spotify link" in unlinked.text and unlinked.ephemeral
    assert await controller(h) == h.fake.owner.id


async def test_linking_for_a_server_tells_the_user_and_offers_to_stop(discord_env: DiscordHarness) -> None:
    h = discord_env
    guild = h.fake.add_guild("Fresh guild")
    frank = h.fake.add_user("frank")
    h.fake.add_member(guild, frank)
    await h.restart()
    settings = h.services.settings
    settings.public_base_url = h.bot.web_base_url  # type: ignore[attr-defined]  # as an operator sets it
    spotify = h.spotify  # type: ignore[attr-defined]
    spotify.register_client(settings.spotify_client_id, [h.services.links.redirect_uri()])  # type: ignore[union-attr]
    spotify.add_user("frank", display_name="Frank")
    spotify.queue_authorization("frank")
    try:
        answer = await h.slash("spotify link", user=frank, channel=h.fake.general(guild))
        url = next(c["url"] for c in answer.components if c.get("url"))
        async with (
            aiohttp.ClientSession() as http,
            http.get(url) as resp,
        ):  # the browser: Spotify, our callback
            assert resp.status == 200, await resp.text()
    finally:
        settings.public_base_url = None
    for _ in range(50):
        if dms_to(h, frank):
            break
        await asyncio.sleep(0.05)
    notice = dms_to(h, frank)[-1]
    assert "controls playback in this server" in message_text(notice)
    assert (await h.services.repo.get_guild_settings(guild.id)).controller_user_id == frank.id
    stopped = await h.click(notice, label="Stop sharing", user=frank)
    assert "no longer uses your Spotify account" in stopped.text
    assert (await h.services.repo.get_guild_settings(guild.id)).controller_user_id is None


# -- item 7: autocomplete ---------------------------------------------------------------------------------


async def test_an_autocomplete_storm_into_a_hanging_spotify_stays_bounded(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    other_guild = h.fake.add_guild("Other guild")
    gina = h.fake.add_user("gina")
    h.fake.add_member(other_guild, gina)
    await h.restart()
    await link_spotify(h, gina, "gina")
    await h.services.repo.update_guild_settings(other_guild.id, controller_user_id=gina.id)

    spotify = h.spotify  # type: ignore[attr-defined]
    spotify.user_latency_s["alice"] = 6.0  # alice's Spotify hangs
    searches_before = sum(r.path == "/v1/search" for r in spotify.requests)
    typed = "daft punk around the world"
    try:
        storm = [
            h.autocomplete("play", "query", query=typed[: 3 + i]) for i in range(15)
        ]  # 15 keystrokes at once
        other = h.slash("nowplaying", user=gina, channel=h.fake.general(other_guild))
        *choices, panel = await asyncio.gather(*storm, other)
    finally:
        spotify.user_latency_s.clear()
    searches = sum(r.path == "/v1/search" for r in spotify.requests) - searches_before
    assert all(c == [] for c in choices)  # no suggestions rather than a late answer
    assert searches <= 4  # the per-user rate: not one search per keystroke
    assert panel.errors == [] and "Something went wrong" not in panel.text  # the other server was served
    await asyncio.sleep(0.1)
    assert h.bot.state.autocomplete.in_flight == 0  # type: ignore[attr-defined]  # timed-out searches are gone


# -- item 8: escaping ------------------------------------------------------------------------------------


async def test_markdown_mentions_and_bidi_controls_are_shown_inert(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    hostile = "[free nitro](https://evil.example) @everyone \u202eevil\x00"
    answer = await h.slash("play", query=hostile)
    text = answer.text
    assert "Nothing found" in text or "nothing" in text.lower()
    assert "[free nitro](https://evil.example)" not in text  # no masked link under the bot's name
    assert "\\[free nitro\\]" in text
    assert "\u202e" not in text and "\x00" not in text and "@everyone" not in text

    h.spotify.set_devices(  # type: ignore[attr-defined]
        linked, [{"name": "**Boss** [speaker](https://evil.example)\u202e", "is_active": True}]
    )
    devices = await h.slash("devices")
    shown = devices.text
    assert "[speaker](https://evil.example)" not in shown and "**Boss**" not in shown
    assert "\\*\\*Boss\\*\\*" in shown and "\u202e" not in shown


async def test_a_language_model_reply_cannot_post_a_masked_link(
    discord_env: DiscordHarness, linked: str
) -> None:
    h = discord_env
    reply = {"action": "reply", "text": "Sure! [Claim your free nitro](https://evil.example) <@&1> \u202eok"}
    llm: FakeLLMServer = h.llm  # type: ignore[attr-defined]
    llm.script(answer(json.dumps({"actions": [reply]})), times=None)
    try:
        said = await h.mention("what do you think about the weather and jazz festivals in general")
    finally:
        llm.clear_script()
    assert "Claim your free nitro" in said.text
    assert "[Claim your free nitro](https://evil.example)" not in said.text
    assert "<@&1>" not in said.text and "\u202e" not in said.text


# -- item 9: /seek ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "reads"),
    [
        ("9" * 5000, "I could not read that position."),
        ("100000", "That position is past the end of any song: use at most 24:00:00."),
    ],
)
async def test_seek_out_of_range_is_one_clear_sentence(
    discord_env: DiscordHarness, linked: str, position: str, reads: str
) -> None:
    h = discord_env
    await h.services.repo.update_guild_settings(h.guild.id, controller_user_id=h.fake.owner.id)
    answer = await h.slash("seek", position=position)
    assert answer.ephemeral and answer.text.startswith(reads)
    assert "Something went wrong" not in answer.text


# -- item 10: DEBUG logs ---------------------------------------------------------------------------------


async def test_debug_log_of_a_slash_command_holds_no_interaction_token(
    discord_env: DiscordHarness, linked: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_env
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    configure_logging(Settings(_env_file=None, log_level="DEBUG"), quiet=False)  # type: ignore[call-arg]
    answer = await h.slash("help")
    assert answer.ephemeral
    log = stderr.getvalue()
    token = answer.interaction.token  # type: ignore[union-attr]
    assert "/interactions/" in log  # discord.py logged the callback request at DEBUG...
    assert token not in log  # ...without the interaction's token
