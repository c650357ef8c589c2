"""FakeDiscord: REST v10 and the gateway on one loopback aiohttp server, holding a small Discord world."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.discord import rules as r
from tests.fakes.discord.gateway import GatewayConnection, GatewaySession
from tests.fakes.discord.rules import json_response
from tests.fakes.discord.world import (
    DM,
    GROUP_DM,
    TEXT,
    Channel,
    Clock,
    Guild,
    Interaction,
    Message,
    Role,
    User,
    World,
    snowflake,
)

log = logging.getLogger(__name__)

API = "/api/v10"
BODY = web.RequestKey("body", object)
INTERACTION = web.RequestKey("interaction", Interaction)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Exchange:
    """One REST request the bot made, as the fake answered it."""

    method: str
    path: str  # without /api/v10
    query: dict[str, str]
    body: Any
    status: int
    code: int | None = None  # Discord's JSON error code, when refused


@dataclass
class RateLimit:
    method: str
    path: re.Pattern[str]
    retry_after: float
    count: int = 1
    hits: list[str] = field(default_factory=list)


class FakeDiscord:
    """A loopback Discord. `await fake.start()`; `fake.api_base` and `fake.gateway_url` are what discord.py
    is pointed at (see `harness.point_discord_py`)."""

    def __init__(
        self,
        *,
        token: str | None = None,
        granted_intents: int = 0,
        bot_name: str = "spotifybot",
    ) -> None:
        self.token = token or "fake." + secrets.token_urlsafe(24)
        self.granted_intents = granted_intents  # privileged intents enabled in the developer portal
        self.application_flags = 0
        self.clock = Clock()
        bot = User(snowflake(), bot_name, bot=True)
        self.world = World(bot, application_id=bot.id)
        self.owner = self.add_user("owner")
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_creates = 0
        self.exchanges: list[Exchange] = []
        self.rate_limits: list[RateLimit] = []
        self.gateway_sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self.identifies = 0
        self.resumes = 0
        self.changed = asyncio.Condition()
        # Called with (method, path) before each REST request is handled: lets a test act "meanwhile"
        # (e.g. the user deletes their message while the bot is typing).
        self.before_request: list[Callable[[str, str], None]] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle -----------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self._me),
            ("GET", "/users/{user_id}", self._user),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/applications/@me", self._application),
            ("GET", "/gateway", self._gateway_info),
            ("GET", "/gateway/bot", self._gateway_bot),
            ("GET", "/applications/{app}/commands", self._get_commands),
            ("PUT", "/applications/{app}/commands", self._put_commands),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands),
            ("POST", "/interactions/{iid}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("GET", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_message),
            ("PATCH", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_message),
            ("DELETE", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_message),
            ("POST", "/channels/{cid}/messages", self._create_message),
            ("GET", "/channels/{cid}/messages/{mid}", self._channel_message),
            ("PATCH", "/channels/{cid}/messages/{mid}", self._channel_message),
            ("DELETE", "/channels/{cid}/messages/{mid}", self._channel_message),
            ("POST", "/channels/{cid}/typing", self._typing),
            ("POST", "/users/@me/channels", self._open_dm),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, API + path, handler)
        app.router.add_route("*", API + "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        for connection in list(self.connections):
            await connection.close(1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return self.base_url + API

    @property
    def gateway_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/gateway"

    # -- the world ------------------------------------------------------------------------------------------

    @property
    def bot(self) -> User:
        return self.world.bot

    def add_user(self, name: str, *, accepts_dms: bool = True) -> User:
        user = User(snowflake(), name, accepts_dms=accepts_dms)
        self.world.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "guild",
        *,
        bot_installed: bool = True,
        bot_member: bool | None = None,
        bot_permissions: int | None = None,
    ) -> Guild:
        """A guild owned by `fake.owner` with @everyone, a bot role and one text channel.
        bot_installed=False: only users installed the app (a partial guild); bot_member=False with
        bot_installed=True: added with only the applications.commands scope (no bot user, no GUILD_CREATE)."""
        member = bot_installed if bot_member is None else bot_member
        guild = Guild(
            snowflake(), name, owner_id=self.owner.id, bot_installed=bot_installed, bot_member=member
        )
        everyone = r.VIEW_CHANNEL | r.SEND_MESSAGES | r.READ_MESSAGE_HISTORY | r.USE_APPLICATION_COMMANDS
        guild.roles[guild.id] = Role(guild.id, "@everyone", everyone)
        bot_role = Role(snowflake(), "spotifybot", r.EMBED_LINKS if bot_permissions is None else 0, 1)
        guild.roles[bot_role.id] = bot_role
        if bot_permissions is not None:
            guild.roles[guild.id] = Role(guild.id, "@everyone", bot_permissions)
        guild.members[self.owner.id] = []
        if member:
            guild.members[self.bot.id] = [bot_role.id]
        self.world.guilds[guild.id] = guild
        self.add_channel(guild, "general")
        return guild

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = Role(snowflake(), name, permissions, len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_member(self, guild: Guild, user: User, roles: list[Role] | None = None) -> None:
        guild.members[user.id] = [role.id for role in roles or []]

    def add_channel(self, guild: Guild, name: str, *, bot_deny: int = 0) -> Channel:
        channel = Channel(snowflake(), TEXT, guild.id, name, bot_deny=bot_deny)
        self.world.channels[channel.id] = channel
        guild.channel_ids.append(channel.id)
        return channel

    def dm_channel(self, user: User) -> Channel:
        for channel in self.world.channels.values():
            if channel.type == DM and channel.recipients == [user.id]:
                return channel
        channel = Channel(snowflake(), DM, None, "", recipients=[user.id])
        self.world.channels[channel.id] = channel
        return channel

    def add_group_dm(self, *users: User) -> Channel:
        """A group DM the bot is not part of (user-installed commands only)."""
        channel = Channel(snowflake(), GROUP_DM, None, "friends", recipients=[u.id for u in users])
        channel.bot_member = False
        self.world.channels[channel.id] = channel
        return channel

    def general(self, guild: Guild) -> Channel:
        return self.world.channels[guild.channel_ids[0]]

    def messages_in(self, channel: Channel) -> list[Message]:
        return [m for m in self.world.messages.values() if m.channel_id == channel.id and not m.deleted]

    def rate_limit(self, method: str, path: str, retry_after: float = 0.2, count: int = 1) -> RateLimit:
        """The next `count` requests matching METHOD and the path regex (under /api/v10) get a 429."""
        rule = RateLimit(method.upper(), re.compile(path), retry_after, count)
        self.rate_limits.append(rule)
        return rule

    def shard_of(self, guild_id: int | None, session: GatewaySession) -> bool:
        shard_id, count = session.shard
        return (0 if guild_id is None else (guild_id >> 22) % count) == shard_id

    # -- events to the bot ----------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any], guild_id: int | None = None) -> int:
        """Send a gateway event to every session that should get it; returns how many got it."""
        delivered = 0
        for session in list(self.gateway_sessions.values()):
            if not self.shard_of(guild_id, session):
                continue
            await session.dispatch(event, data)
            delivered += 1
        return delivered

    async def send_user_message(self, author: User, channel: Channel, content: str) -> Message:
        """A user writes in a channel: MESSAGE_CREATE with Discord's intent rules applied per session."""
        message = Message(snowflake(), channel.id, author.id, content, guild_id=channel.guild_id)
        message.created = self.clock.now()
        self.world.messages[message.id] = message
        base = message.payload(self.world)
        mentioned = f"<@{self.bot.id}>" in content or f"<@!{self.bot.id}>" in content
        if mentioned:
            base["mentions"] = [self.bot.payload()]
        if channel.guild_id is not None:
            guild = self.world.guilds[channel.guild_id]
            base["guild_id"] = str(guild.id)
            member = self.world.member_payload(guild, author.id)
            member.pop("user")
            base["member"] = member
        for session in list(self.gateway_sessions.values()):
            if not self.shard_of(channel.guild_id, session):
                continue
            needed = r.INTENT_DIRECT_MESSAGES if channel.guild_id is None else r.INTENT_GUILD_MESSAGES
            if not session.intents & needed:
                continue
            data = dict(base)
            if (
                channel.guild_id is not None
                and not mentioned
                and not session.intents & r.INTENT_MESSAGE_CONTENT
            ):
                data.update(content="", embeds=[], attachments=[], components=[])
            await session.dispatch("MESSAGE_CREATE", data)
        return message

    async def join_guild(self, guild: Guild) -> None:
        """The bot was added to `guild`: GUILD_CREATE to the sessions (as Discord does on join)."""
        guild.bot_installed = guild.bot_member = True
        guild.members.setdefault(
            self.bot.id, [r_id for r_id, role in guild.roles.items() if role.position == 1]
        )
        await self.dispatch("GUILD_CREATE", self.world.guild_create(guild), guild.id)

    async def reconnect(self) -> None:
        """Ask every connected session to reconnect (op 7); discord.py resumes."""
        for session in self.gateway_sessions.values():
            if session.connection is not None:
                await session.connection.send({"op": 7, "d": None, "s": None, "t": None})

    async def invalidate_sessions(self) -> None:
        """op 9 with d=false: the bot must identify again."""
        for session_id, session in list(self.gateway_sessions.items()):
            connection = session.connection
            del self.gateway_sessions[session_id]
            if connection is not None:
                await connection.send({"op": 9, "d": False, "s": None, "t": None})

    def new_interaction(
        self,
        kind: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        *,
        locale: str = "en-US",
        message: Message | None = None,
        user_installed: bool = False,
    ) -> Interaction:
        world = self.world
        guild = world.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        context = 0 if guild is not None else (1 if channel.type == DM else 2)
        iid = snowflake()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        owners: dict[str, str] = {}
        if user_installed:
            owners["1"] = str(user.id)
        if guild is not None and guild.bot_installed:
            owners["0"] = str(guild.id)
        elif context == 1 and not user_installed:
            owners["0"] = "0"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(world.application_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "channel": world.channels[channel.id].payload(world),
            "channel_id": str(channel.id),
            "locale": locale,
            "app_permissions": str(world.bot_permissions(channel) or r.SEND_MESSAGES | r.EMBED_LINKS),
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": owners,
            "context": context,
        }
        if guild is not None:
            payload["guild_id"] = str(guild.id)
            payload["guild_locale"] = guild.locale
            member = world.member_payload(guild, user.id)
            member["permissions"] = str(guild.permissions_of(user.id))
            payload["member"] = member
            if not guild.bot_member:
                payload["guild"] = {"id": str(guild.id), "locale": guild.locale, "features": []}
        else:
            payload["user"] = user.payload()
        if message is not None:
            payload["message"] = message.payload(world)
        inter = Interaction(
            id=iid,
            token=token,
            type=kind,
            user_id=user.id,
            channel_id=channel.id,
            guild_id=guild.id if guild else None,
            created=self.clock.now(),
            context=context,
            user_installed=user_installed,
            payload=payload,
            message_id=message.id if message else None,
        )
        world.interactions[iid] = inter
        world.by_token[token] = inter
        return inter

    async def send_interaction(self, inter: Interaction) -> None:
        delivered = await self.dispatch("INTERACTION_CREATE", inter.payload, inter.guild_id)
        if not delivered:
            raise RuntimeError("no gateway session to deliver the interaction to (is the bot connected?)")

    async def _touch(self, inter: Interaction | None) -> None:
        if inter is not None:
            inter.events += 1
        async with self.changed:
            self.changed.notify_all()

    # -- plumbing ---------------------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API):
            return await handler(request)
        path = request.path[len(API) :]
        body: Any = None
        if request.can_read_body:
            body = await self._read_body(request)
        request[BODY] = body
        exchange = Exchange(request.method, path, dict(request.query), body, 0)
        self.exchanges.append(exchange)
        for hook in list(self.before_request):
            hook(request.method, path)
        for rule in self.rate_limits:
            if rule.count > 0 and rule.method == request.method and rule.path.fullmatch(path):
                rule.count -= 1
                rule.hits.append(path)
                exchange.status = 429
                return json_response(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": rule.retry_after,
                        "global": False,
                    },
                    status=429,
                    headers={
                        "Retry-After": str(max(1, round(rule.retry_after))),
                        "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": str(rule.retry_after),
                        "X-RateLimit-Bucket": "fakebucket",
                        "X-RateLimit-Scope": "user",
                    },
                )
        needs_auth = not path.startswith(("/interactions/", "/webhooks/"))
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
            exchange.status = 401
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        try:
            response = await handler(request)
        except r.DiscordError as error:
            exchange.code = error.code
            response = error.response()
            inter = request.get(INTERACTION)
            if isinstance(inter, Interaction):
                inter.errors.append(error.code)
            log.info("fake Discord refused %s %s: %s", request.method, path, error)
        exchange.status = response.status
        await self._touch(request.get(INTERACTION))
        return response

    async def _read_body(self, request: web.Request) -> Any:
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    return json.loads(await part.text())  # type: ignore[union-attr]
            return {}
        raw = await request.read()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise r.DiscordError(50109, message="The request body contains invalid JSON.") from None

    async def _unknown(self, request: web.Request) -> web.Response:
        return json_response({"message": "404: Not Found", "code": 0}, status=404)

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("v") != "10" or request.query.get("encoding") != "json":
            return web.Response(status=400)
        compress = request.query.get("compress")
        if compress not in (None, "zlib-stream"):
            return web.Response(status=400, text="only zlib-stream is offered")
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        connection = GatewayConnection(self, ws, compress == "zlib-stream")
        self.connections.append(connection)
        try:
            await connection.run()
        finally:
            self.connections.remove(connection)
        return ws

    # -- REST: identity, gateway, commands ------------------------------------------------------------------

    async def _me(self, request: web.Request) -> web.Response:
        return json_response(
            self.bot.payload() | {"mfa_enabled": False, "locale": "en-US", "verified": True, "bot": True}
        )

    async def _user(self, request: web.Request) -> web.Response:
        user = self.world.users.get(int(request.match_info["user_id"]))
        if user is None:
            raise r.DiscordError(10013, message="Unknown User")
        return json_response(user.payload())

    async def _application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(self.world.application_id),
                "name": self.bot.username,
                "icon": None,
                "description": "",
                "type": None,
                "bot": self.bot.payload(),
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": self.application_flags,
                "flags_new": str(self.application_flags),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "owner": self.owner.payload(),
                "approximate_guild_count": len(self.world.guilds),
                "approximate_user_install_count": 0,
                "approximate_user_authorization_count": 0,
                "explicit_content_filter": 0,
                "team": None,
                "eligible_oauth2_scopes": [],
                "integration_types_config": {"0": {}, "1": {}},
                "summary": "",
                "rpc_origins": [],
            }
        )

    async def _gateway_info(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    def _check_app(self, request: web.Request) -> None:
        if request.match_info.get("app") != str(self.world.application_id):
            raise r.DiscordError(50001)

    def _commands_for(self, request: web.Request) -> tuple[list[dict[str, Any]], int | None]:
        self._check_app(request)
        guild = request.match_info.get("guild")
        if guild is None:
            return self.global_commands, None
        guild_id = int(guild)
        if guild_id not in self.world.guilds or not self.world.guilds[guild_id].bot_installed:
            raise r.DiscordError(50001)
        return self.guild_commands.setdefault(guild_id, []), guild_id

    async def _get_commands(self, request: web.Request) -> web.Response:
        commands, _ = self._commands_for(request)
        return json_response(commands)

    async def _put_commands(self, request: web.Request) -> web.Response:
        existing, guild_id = self._commands_for(request)
        body = request[BODY]
        if not isinstance(body, list) or len(body) > 100:
            raise r.form_error("_", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        by_name = {(c["name"], c.get("type", 1)): c for c in existing}
        new = [c for c in body if (c["name"], c.get("type", 1)) not in by_name]
        if self.command_creates + len(new) > r.DAILY_CREATE_LIMIT:
            raise r.DiscordError(r.DAILY_COMMAND_CREATES)
        self.command_creates += len(new)
        result = []
        for command in body:
            old = by_name.get((command["name"], command.get("type", 1)))
            item = {
                "id": old["id"] if old else str(snowflake()),
                "application_id": str(self.world.application_id),
                "version": str(snowflake()),
                "default_member_permissions": (
                    None
                    if command.get("default_member_permissions") is None
                    else str(command["default_member_permissions"])
                ),
                "type": command.get("type", 1),
                "name": command["name"],
                "description": command.get("description", ""),
                "nsfw": bool(command.get("nsfw", False)),
                "contexts": command.get("contexts"),
                "integration_types": command.get("integration_types") or [0],
            }
            for key in ("options", "name_localizations", "description_localizations"):
                if command.get(key):
                    item[key] = command[key]
            if guild_id is not None:
                item["guild_id"] = str(guild_id)
            result.append(item)
        if guild_id is None:
            self.global_commands = result
        else:
            self.guild_commands[guild_id] = result
        return json_response(result)

    # -- REST: interactions ---------------------------------------------------------------------------------

    def _interaction(self, request: web.Request) -> Interaction:
        inter = self.world.interactions.get(int(request.match_info["iid"]))
        if inter is None or inter.token != request.match_info["token"]:
            raise r.DiscordError(r.UNKNOWN_INTERACTION)
        request[INTERACTION] = inter
        return inter

    async def _callback(self, request: web.Request) -> web.Response:
        inter = self._interaction(request)
        if inter.response_type is not None:
            raise r.DiscordError(r.ALREADY_ACKNOWLEDGED)
        if self.clock.now() - inter.created > r.INTERACTION_RESPONSE_SECONDS:
            raise r.DiscordError(r.UNKNOWN_INTERACTION)
        body = request[BODY] or {}
        kind, data = body.get("type"), body.get("data") or {}
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}}[inter.type]
        if kind not in allowed:
            raise r.form_error(
                "type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type"
            )
        message: Message | None = None
        if kind == 8:
            r.check_choices(data.get("choices") or [])
            inter.choices = data.get("choices") or []
        elif kind in (4, 5):
            if kind == 4:
                r.check_message(data)
            message = self._new_message(inter, data, loading=kind == 5)
            inter.original_id = message.id
        elif kind in (6, 7):
            message = self.world.messages[inter.message_id] if inter.message_id else None
            if message is None or message.deleted:
                raise r.DiscordError(r.UNKNOWN_MESSAGE)
            if kind == 7:
                self._apply_edit(message, data)
            inter.original_id = message.id
        inter.response_type = kind
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        answer: dict[str, Any] = {
            "interaction": {
                "id": str(inter.id),
                "type": inter.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and message.ephemeral and kind in (4, 5)),
            }
        }
        if message is not None and kind in (4, 5):
            answer["interaction"]["response_message_id"] = str(message.id)
        if message is not None and kind in (4, 7):
            answer["resource"] = {"type": kind, "message": message.payload(self.world)}
        return json_response(answer)

    def _new_message(self, inter: Interaction, data: dict[str, Any], *, loading: bool = False) -> Message:
        flags = int(data.get("flags") or 0) & r.EPHEMERAL
        message = Message(
            snowflake(),
            inter.channel_id,
            self.bot.id,
            content="" if loading else data.get("content") or "",
            embeds=[] if loading else list(data.get("embeds") or []),
            components=[] if loading else list(data.get("components") or []),
            flags=flags | (r.LOADING if loading else 0),
            created=self.clock.now(),
            interaction_id=inter.id,
            webhook_id=self.world.application_id,
            guild_id=inter.guild_id,
        )
        self.world.messages[message.id] = message
        return message

    def _apply_edit(self, message: Message, data: dict[str, Any]) -> None:
        merged = {
            "content": data.get("content", message.content) or "",
            "embeds": data.get("embeds", message.embeds) or [],
            "components": data.get("components", message.components) or [],
        }
        r.check_message(merged)
        message.content, message.embeds, message.components = (
            merged["content"],
            merged["embeds"],
            merged["components"],
        )
        message.flags &= ~r.LOADING
        message.edited = self.clock.now()

    def _webhook_interaction(self, request: web.Request) -> Interaction:
        if request.match_info["app"] != str(self.world.application_id):
            raise r.DiscordError(r.UNKNOWN_WEBHOOK)
        inter = self.world.by_token.get(request.match_info["token"])
        if inter is None:
            raise r.DiscordError(r.UNKNOWN_WEBHOOK)
        request[INTERACTION] = inter
        if self.clock.now() - inter.created > r.INTERACTION_TOKEN_SECONDS:
            raise r.DiscordError(r.INVALID_WEBHOOK_TOKEN)
        if inter.response_type is None or inter.response_type == 8:
            raise r.DiscordError(r.UNKNOWN_WEBHOOK)  # followups and edits need the initial response first
        return inter

    async def _followup(self, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        data = request[BODY] or {}
        r.check_message(data)
        guild = self.world.guilds.get(inter.guild_id) if inter.guild_id is not None else None
        partial = inter.user_installed and (guild is None or not guild.bot_member)
        if partial and len(inter.followup_ids) >= r.USER_APP_FOLLOWUP_LIMIT:
            raise r.DiscordError(r.MAX_FOLLOWUPS)
        original = self.world.messages.get(inter.original_id) if inter.original_id else None
        inter.answered_after_defer = True
        if inter.response_type == 5 and original is not None and original.loading and not original.deleted:
            # The first followup after a deferred "thinking" response replaces it (and keeps its visibility).
            self._apply_edit(original, data)
            message = original
        else:
            message = self._new_message(inter, data)
            inter.followup_ids.append(message.id)
        if request.query.get("wait") not in ("1", "true", "True"):
            return web.Response(status=204)
        return json_response(message.payload(self.world))

    async def _webhook_message(self, request: web.Request) -> web.StreamResponse:
        inter = self._webhook_interaction(request)
        mid = request.match_info["mid"]
        if mid == "@original":
            message = self.world.messages.get(inter.original_id) if inter.original_id else None
        else:
            message = self.world.messages.get(int(mid))
            if (
                message is not None
                and message.id != inter.original_id
                and message.id not in inter.followup_ids
            ):
                message = None
        if message is None or message.deleted:
            raise r.DiscordError(r.UNKNOWN_MESSAGE)
        if request.method == "GET":
            return json_response(message.payload(self.world))
        inter.answered_after_defer = True
        if request.method == "DELETE":
            message.deleted = True
            return web.Response(status=204)
        self._apply_edit(message, request[BODY] or {})
        return json_response(message.payload(self.world))

    # -- REST: channels -------------------------------------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel:
        channel = self.world.channels.get(int(request.match_info["cid"]))
        if channel is None:
            raise r.DiscordError(r.UNKNOWN_CHANNEL)
        if channel.type == GROUP_DM and not channel.bot_member:
            raise r.DiscordError(r.MISSING_ACCESS)
        if channel.guild_id is not None:
            guild = self.world.guilds[channel.guild_id]
            if not guild.bot_member or not self.world.bot_permissions(channel) & r.VIEW_CHANNEL:
                raise r.DiscordError(r.MISSING_ACCESS)
        return channel

    async def _create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        data = request[BODY] or {}
        perms = self.world.bot_permissions(channel)
        if channel.type == DM and not all(self.world.users[u].accepts_dms for u in channel.recipients):
            raise r.DiscordError(r.CANNOT_DM_USER)
        if not perms & r.SEND_MESSAGES:
            raise r.DiscordError(r.MISSING_PERMISSIONS)
        if data.get("embeds") and not perms & r.EMBED_LINKS:
            raise r.DiscordError(r.MISSING_PERMISSIONS)
        reference = data.get("message_reference")
        if reference:
            if not perms & r.READ_MESSAGE_HISTORY:
                raise r.DiscordError(r.REPLY_NEEDS_HISTORY)
            target = self.world.messages.get(int(reference.get("message_id") or 0))
            if target is None or target.deleted or target.channel_id != channel.id:
                if reference.get("fail_if_not_exists", True):
                    raise r.form_error(
                        "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                    )
                reference = None
        r.check_message(data)
        message = Message(
            snowflake(),
            channel.id,
            self.bot.id,
            content=data.get("content") or "",
            embeds=list(data.get("embeds") or []),
            components=list(data.get("components") or []),
            created=self.clock.now(),
            guild_id=channel.guild_id,
            reference=(
                {"channel_id": str(channel.id), "message_id": str(reference["message_id"])}
                if reference
                else None
            ),
        )
        self.world.messages[message.id] = message
        payload = message.payload(self.world)
        event = dict(payload)
        if channel.guild_id is not None:
            event["guild_id"] = str(channel.guild_id)
        await self.dispatch("MESSAGE_CREATE", event, channel.guild_id)
        return json_response(payload)

    async def _channel_message(self, request: web.Request) -> web.StreamResponse:
        channel = self._channel(request)
        message = self.world.messages.get(int(request.match_info["mid"]))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise r.DiscordError(r.UNKNOWN_MESSAGE)
        if request.method == "GET":
            if not self.world.bot_permissions(channel) & r.READ_MESSAGE_HISTORY:
                raise r.DiscordError(r.MISSING_PERMISSIONS)
            return json_response(message.payload(self.world))
        if message.author_id != self.bot.id:
            raise r.DiscordError(50005, message="Cannot edit a message authored by another user")
        if request.method == "DELETE":
            message.deleted = True
            return web.Response(status=204)
        self._apply_edit(message, request[BODY] or {})
        return json_response(message.payload(self.world))

    async def _typing(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if not self.world.bot_permissions(channel) & r.SEND_MESSAGES:
            raise r.DiscordError(r.MISSING_PERMISSIONS)
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request) -> web.Response:
        body = request[BODY] or {}
        user = self.world.users.get(int(body.get("recipient_id") or 0))
        if user is None:
            raise r.form_error("recipient_id", "NUMBER_TYPE_COERCE", "Value is not snowflake.")
        return json_response(self.dm_channel(user).payload(self.world))
