"""DiscordHarness: the real SpotifyBot logged into a FakeDiscord, and the user's side of the conversation
(slash commands, autocomplete, button clicks, select menus, mentions, DMs) with what Discord received back."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yarl

from tests.fakes.discord import rules as r
from tests.fakes.discord.server import FakeDiscord
from tests.fakes.discord.world import DM, Channel, Guild, Interaction, Message, Role, User

if TYPE_CHECKING:
    from bot.app import Services
    from bot.client import SpotifyBot

QUIET_S = 0.15  # an answer is complete when nothing more arrives for this long
TIMEOUT_S = 10.0


class NotOffered(AssertionError):
    """What the user tried is not something Discord's client would let them do (unknown or unavailable
    command, disabled component, someone else's ephemeral message)."""


@contextlib.contextmanager
def point_discord_py(fake: FakeDiscord) -> Iterator[None]:
    """Aim discord.py at the fake: REST base (`Route.BASE`) and the default gateway URL. Restored after."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


def message_text(message: Message) -> str:
    """Everything readable in a message: content, then each embed's title, description, fields, footer."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
        parts.append((embed.get("author") or {}).get("name") or "")
    return "\n".join(p for p in parts if p)


def components_of(message: Message) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row.get("components") or []]


@dataclass
class Answer:
    """What Discord holds after one user action: the messages the bot made for it (deleted ones dropped)."""

    fake: FakeDiscord
    interaction: Interaction | None
    messages: list[Message]

    @property
    def text(self) -> str:
        return "\n".join(message_text(m) for m in self.messages)

    @property
    def message(self) -> Message:
        assert self.messages, f"the bot showed nothing (Discord errors: {self.errors})"
        return self.messages[-1]

    @property
    def ephemeral(self) -> bool:
        """Every message of the answer is visible only to the user who acted."""
        return bool(self.messages) and all(m.ephemeral for m in self.messages)

    @property
    def errors(self) -> list[int]:
        """Discord error codes the fake answered the bot's requests for this interaction."""
        return list(self.interaction.errors) if self.interaction else []

    @property
    def choices(self) -> list[dict[str, Any]]:
        assert self.interaction is not None and self.interaction.choices is not None, "no autocomplete answer"
        return self.interaction.choices

    @property
    def components(self) -> list[dict[str, Any]]:
        return [c for m in self.messages for c in components_of(m)]


class DiscordHarness:
    """One fake Discord, one bot logged into it, a guild with a text channel and a member `user`."""

    def __init__(self, fake: FakeDiscord, services: Services, **bot_kwargs: Any) -> None:
        self.fake = fake
        self.services = services
        self.bot_kwargs = bot_kwargs
        self.bot: SpotifyBot | None = None
        self._task: asyncio.Task[None] | None = None
        self._pointing: contextlib.ExitStack | None = None
        self.guild: Guild = fake.add_guild("Test guild")
        self.channel: Channel = fake.general(self.guild)
        self.user: User = fake.add_user("listener")
        fake.add_member(self.guild, self.user)

    # -- bot lifecycle ---------------------------------------------------------------------------------------

    async def start(self, wait_s: float = 20.0) -> SpotifyBot:
        from bot.client import SpotifyBot

        if self._pointing is None:
            self._pointing = contextlib.ExitStack()
            self._pointing.enter_context(point_discord_py(self.fake))
        bot = SpotifyBot(self.services, **self.bot_kwargs)
        self.bot = bot
        self._task = asyncio.create_task(bot.start(self.fake.token), name="fake-discord-bot")
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, self._task}, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if self._task in done:
                self._task.result()  # raises the start-up error
            raise TimeoutError("the bot did not become ready against the fake Discord")
        await self.settle_startup()
        return bot

    async def settle_startup(self) -> None:
        """Let start-up work that follows READY (the command sync) finish."""
        for _ in range(100):
            if self.fake.global_commands or not getattr(self.bot, "sync_on_start", True):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(QUIET_S)

    async def restart(self) -> SpotifyBot:
        """Stop the bot without closing the services (a deploy restarts the process), then start a new one."""
        await self.stop(close_services=False)
        return await self.start()

    async def stop(self, close_services: bool = True) -> None:
        bot, task = self.bot, self._task
        if bot is not None:
            if not close_services:
                bot._closed_services = True  # the next bot keeps using the same services
            await bot.close()
        if task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
        self.bot, self._task = None, None
        if close_services and self._pointing is not None:
            self._pointing.close()
            self._pointing = None

    # -- building the world while the bot runs --------------------------------------------------------------

    def new_user(self, name: str, guild: Guild | None = None, roles: list[Role] | None = None) -> User:
        """A user, member of `guild` (default: the test guild) with `roles`."""
        user = self.fake.add_user(name)
        self.fake.add_member(guild or self.guild, user, roles)
        return user

    async def new_guild(self, name: str, *, bot_member: bool = True, bot_installed: bool = True) -> Guild:
        """Another guild; when the bot is a member it gets the guild's GUILD_CREATE, as on a real join."""
        guild = self.fake.add_guild(name, bot_installed=bot_installed, bot_member=False)
        if bot_member:
            await self.fake.join_guild(guild)
            await asyncio.sleep(QUIET_S)
        return guild

    # -- waiting ---------------------------------------------------------------------------------------------

    async def _wait(self, done: Callable[[], bool], counter: Callable[[], int], wait_s: float) -> None:
        async def until_done() -> None:
            async with self.fake.changed:
                await self.fake.changed.wait_for(done)

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until_done(), wait_s)
        while True:  # then until quiet
            seen = counter()
            await asyncio.sleep(QUIET_S)
            if counter() == seen:
                return

    async def _run_interaction(self, inter: Interaction, wait_s: float) -> Answer:
        await self.fake.send_interaction(inter)

        def answered() -> bool:
            kind = inter.response_type
            return bool(inter.errors) or kind in (4, 7, 8) or (kind in (5, 6) and inter.answered_after_defer)

        await self._wait(answered, lambda: inter.events, wait_s)
        return self.answer_of(inter)

    def answer_of(self, inter: Interaction) -> Answer:
        world = self.fake.world
        ids = ([inter.original_id] if inter.original_id else []) + inter.followup_ids
        messages = [world.messages[i] for i in dict.fromkeys(ids) if not world.messages[i].deleted]
        return Answer(self.fake, inter, messages)

    # -- slash commands and autocomplete ---------------------------------------------------------------------

    def _where(self, user: User | None, channel: Channel | None, dm: bool) -> tuple[User, Channel]:
        user = user or self.user
        if dm:
            return user, self.fake.dm_channel(user)
        return user, channel or self.channel

    def find_command(self, name: str, channel: Channel) -> dict[str, Any]:
        registered = list(self.fake.global_commands)
        if channel.guild_id is not None:
            registered = self.fake.guild_commands.get(channel.guild_id, []) + registered
        for command in registered:
            if command["name"] == name and command.get("type", 1) == 1:
                return command
        raise NotOffered(f"/{name} is not registered with Discord")

    def _options(
        self,
        declared: list[dict[str, Any]],
        given: dict[str, Any],
        focused: str | None,
        resolved: dict[str, Any],
    ) -> list[dict[str, Any]]:
        out = []
        for name, value in given.items():
            name = name.replace("_", "-")
            option = next((o for o in declared if o["name"] == name), None)
            if option is None:
                raise NotOffered(f"no option {name!r}; declared: {[o['name'] for o in declared]}")
            kind = option["type"]
            if kind == 8 and isinstance(value, Role):
                resolved.setdefault("roles", {})[str(value.id)] = value.payload()
                value = str(value.id)
            elif kind == 6 and isinstance(value, User):
                resolved.setdefault("users", {})[str(value.id)] = value.payload()
                value = str(value.id)
            entry: dict[str, Any] = {"name": name, "type": kind, "value": value}
            if name == focused:
                entry["focused"] = True
            out.append(entry)
        for option in declared:
            if option.get("required") and option["name"] not in {o["name"] for o in out}:
                raise NotOffered(f"required option {option['name']!r} missing")
        return out

    def _command_data(
        self, path: str, channel: Channel, given: dict[str, Any], focused: str | None, user_installed: bool
    ) -> dict[str, Any]:
        names = path.split()
        command = self.find_command(names[0], channel)
        context = 0 if channel.guild_id is not None else (1 if channel.type == DM else 2)
        if command.get("contexts") is not None and context not in command["contexts"]:
            raise NotOffered(f"/{names[0]} is not offered in context {context}")
        integration = 1 if user_installed else 0
        if integration not in (command.get("integration_types") or [0]):
            raise NotOffered(
                f"/{names[0]} is not offered to a {'user' if user_installed else 'guild'} install"
            )
        resolved: dict[str, Any] = {}
        declared = command.get("options") or []
        options: list[dict[str, Any]] = []
        container = options
        for sub in names[1:]:
            node = next((o for o in declared if o["name"] == sub and o["type"] in (1, 2)), None)
            if node is None:
                raise NotOffered(f"/{path}: no subcommand {sub!r}")
            entry: dict[str, Any] = {"name": sub, "type": node["type"], "options": []}
            container.append(entry)
            container = entry["options"]
            declared = node.get("options") or []
        container.extend(self._options(declared, given, focused, resolved))
        data: dict[str, Any] = {"id": command["id"], "name": names[0], "type": 1, "options": options}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(
        self,
        path: str,
        *,
        user: User | None = None,
        channel: Channel | None = None,
        dm: bool = False,
        locale: str = "en-US",
        user_installed: bool = False,
        wait_s: float = TIMEOUT_S,
        options: dict[str, Any] | None = None,
        **named: Any,
    ) -> Answer:
        """Run `/path` ("play", "queue add") with options (names as registered; `_` for `-`; pass `options=`
        for names that clash with these parameters, e.g. {"user": someone})."""
        options = {**named, **(options or {})}
        user, channel = self._where(user, channel, dm)
        data = self._command_data(path, channel, options, None, user_installed)
        inter = self.fake.new_interaction(
            2, user, channel, data, locale=locale, user_installed=user_installed
        )
        return await self._run_interaction(inter, wait_s)

    async def autocomplete(
        self,
        path: str,
        focused: str,
        *,
        user: User | None = None,
        channel: Channel | None = None,
        dm: bool = False,
        locale: str = "en-US",
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type into option `focused` of `/path`; returns the choices the bot offered."""
        user, channel = self._where(user, channel, dm)
        data = self._command_data(path, channel, options, focused.replace("_", "-"), False)
        inter = self.fake.new_interaction(4, user, channel, data, locale=locale)
        answer = await self._run_interaction(inter, TIMEOUT_S)
        return answer.choices

    # -- components ------------------------------------------------------------------------------------------

    def component(
        self,
        message: Message,
        *,
        label: str | None = None,
        custom_id: str | None = None,
        kind: int | None = None,
    ) -> dict[str, Any]:
        for component in components_of(message):
            if label is not None and component.get("label") != label:
                continue
            if custom_id is not None and component.get("custom_id") != custom_id:
                continue
            if kind is not None and component.get("type") != kind:
                continue
            return component
        raise NotOffered(f"no such component on the message: {components_of(message)}")

    async def click(
        self,
        message: Message,
        *,
        label: str | None = None,
        custom_id: str | None = None,
        values: list[str] | None = None,
        user: User | None = None,
        locale: str = "en-US",
        wait_s: float = TIMEOUT_S,
    ) -> Answer:
        """Press a button (by label or custom id) or, with `values`, choose in the select menu."""
        user = user or self.user
        message = self.fake.world.messages[message.id]
        if message.deleted:
            raise NotOffered("the message was deleted")
        if message.ephemeral:
            owner = self.fake.world.interactions.get(message.interaction_id or 0)
            if owner is None or owner.user_id != user.id:
                raise NotOffered("an ephemeral message is visible only to the user it answered")
        kind = 3 if values is not None else 2
        component = self.component(message, label=label, custom_id=custom_id, kind=kind)
        if component.get("disabled"):
            raise NotOffered("the component is disabled")
        if component.get("style") == 5:
            raise NotOffered("a link button opens its url; Discord sends no interaction")
        data: dict[str, Any] = {"custom_id": component["custom_id"], "component_type": kind}
        if values is not None:
            offered = {o["value"] for o in component.get("options") or []}
            if not set(values) <= offered or not values:
                raise NotOffered(f"values {values} are not among the options {sorted(offered)}")
            data["values"] = values
        channel = self.fake.world.channels[message.channel_id]
        owner = self.fake.world.interactions.get(message.interaction_id or 0)
        inter = self.fake.new_interaction(
            3,
            user,
            channel,
            data,
            locale=locale,
            message=message,
            user_installed=bool(owner and owner.user_installed),
        )
        return await self._run_interaction(inter, wait_s)

    # -- messages --------------------------------------------------------------------------------------------

    async def say(
        self, content: str, *, user: User | None = None, channel: Channel | None = None, wait_s: float = 5.0
    ) -> Answer:
        """A user writes `content` in a channel; returns the bot's messages there that followed it."""
        user = user or self.user
        channel = channel or self.channel
        before = set(self.fake.world.messages)
        sent = await self.fake.send_user_message(user, channel, content)

        def new_bot_messages() -> list[Message]:
            return [
                m
                for i, m in self.fake.world.messages.items()
                if i not in before and m.author_id == self.fake.bot.id and not m.deleted
            ]

        await self._wait(lambda: bool(new_bot_messages()), lambda: len(self.fake.exchanges), wait_s)
        del sent
        return Answer(self.fake, None, new_bot_messages())

    async def mention(self, text: str, **kwargs: Any) -> Answer:
        """`@bot text` in the guild channel."""
        return await self.say(f"<@{self.fake.bot.id}> {text}", **kwargs)

    async def dm(self, text: str, *, user: User | None = None, wait_s: float = 5.0) -> Answer:
        user = user or self.user
        return await self.say(text, user=user, channel=self.fake.dm_channel(user), wait_s=wait_s)

    # -- inspection ------------------------------------------------------------------------------------------

    def requests(self, method: str, path_start: str) -> list[Any]:
        return [e for e in self.fake.exchanges if e.method == method and e.path.startswith(path_start)]


__all__ = ["Answer", "DiscordHarness", "NotOffered", "message_text", "point_discord_py", "r"]
