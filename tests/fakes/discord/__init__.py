"""A loopback fake Discord (REST v10 + gateway websocket with zlib-stream) that the real discord.py client logs
into, and a harness that drives user journeys through it.

Using it in a test module (one bot per module; every test in the module shares it)::

    import pytest
    from tests.fakes.discord import DiscordHarness, link_spotify

    pytestmark = pytest.mark.asyncio(loop_scope="module")

    async def test_play(discord_env: DiscordHarness) -> None:
        h = discord_env                      # fixture from tests.fakes.discord.fixtures (registered in conftest)
        user = h.fake.add_user("ana"); h.fake.add_member(h.guild, user)
        await link_spotify(h, user, "ana")   # the user's Spotify account on the fake Spotify (h.spotify)
        answer = await h.slash("play", user=user, query="Get Lucky")
        assert "Get Lucky" in answer.text and not answer.ephemeral

Change the module bot's Settings with a module fixture `bot_settings_overrides() -> dict` (e.g. short TTLs).

DiscordHarness (`discord_env`):
- `h.fake` FakeDiscord, `h.bot` the running SpotifyBot, `h.services`, `h.spotify` FakeSpotify, `h.llm` FakeLLMServer.
- `h.guild`, `h.channel` (its #general), `h.user` (a member without roles); the guild owner is `h.fake.owner`
  (also the bot's OWNER_IDS). Build more with `h.fake.add_user(name)`, `add_guild(name, bot_installed=False)`
  (a guild where the app is only user-installed), `add_member(guild, user, [roles])`, `add_role(guild, name,
  permissions)`, `add_channel(guild, name, bot_deny=rules.SEND_MESSAGES | ...)`, `add_group_dm(*users)`.
- `await h.slash("queue add", user=, channel=, dm=True, locale="es-ES", user_installed=True, query=...)` -> Answer.
  Options by registered name (`_` stands for `-`); a `Role`/`User` object for role/user options. Raises
  `NotOffered` when Discord's client would not offer the command there (not synced, wrong context/install).
- `await h.autocomplete("play", "query", query="get")` -> the list of choices the bot answered.
- `await h.click(message, label="Play all" | custom_id=..., user=...)`, `await h.click(message, values=[...])`
  for a select menu -> Answer. Raises `NotOffered` for disabled components, link buttons, someone else's
  ephemeral message.
- `await h.mention("play daft punk", user=, channel=)`, `await h.dm("pausa", user=)`, `await h.say(raw_text)`
  -> Answer with the bot's new messages in that channel.
- `await h.restart()` stops the bot (services kept) and logs in a fresh one, as a deploy would.
- Answer: `.messages` (world Message objects still present: original response + followups, or channel
  messages; for a click that updated the message it sits on, that message comes first), `.message` (the last), `.text` (content + embed text), `.ephemeral` (all visible only to the
  user), `.components` (flattened), `.errors` (Discord error codes the fake answered the bot, e.g. [40060]),
  `.choices`, `.interaction`.
- Inspect the wire: `h.fake.exchanges` (method, path, query, body, status, code), `h.requests("PUT",
  "/applications")`, `h.fake.global_commands`, `h.fake.messages_in(channel)`; inject `h.fake.rate_limit("POST",
  r"/channels/\\d+/messages", retry_after=0.2)`; move Discord's clock `h.fake.clock.advance(seconds)`;
  gateway `await h.fake.reconnect()`, `await h.fake.invalidate_sessions()`.

The rules the fake enforces are listed in rules.py and in /work/notes/issue-8.md.
"""

from tests.fakes.discord import rules
from tests.fakes.discord.fixtures import link_spotify
from tests.fakes.discord.harness import Answer, DiscordHarness, NotOffered, message_text, point_discord_py
from tests.fakes.discord.server import FakeDiscord
from tests.fakes.discord.world import Channel, Guild, Message, Role, User

__all__ = [
    "Answer",
    "Channel",
    "DiscordHarness",
    "FakeDiscord",
    "Guild",
    "Message",
    "NotOffered",
    "Role",
    "User",
    "link_spotify",
    "message_text",
    "point_discord_py",
    "rules",
]
