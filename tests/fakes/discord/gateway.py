"""The fake gateway: one websocket per shard, zlib-stream compressed, speaking Discord's opcodes.

HELLO -> IDENTIFY (4004 on a wrong token, 4014 for privileged intents the app was not granted) -> READY and one
GUILD_CREATE per guild the bot is in; HEARTBEAT -> HEARTBEAT_ACK; RESUME replays what the session missed
(RESUMED) or answers INVALID_SESSION; the test can ask for RECONNECT or INVALID_SESSION at any time."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fakes.discord import rules as r

if TYPE_CHECKING:
    from tests.fakes.discord.server import FakeDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0,
    1,
    2,
    6,
    7,
    9,
    10,
    11,
)
HEARTBEAT_INTERVAL_MS = 41250


@dataclass
class GatewaySession:
    """A logical session: survives a reconnect when the bot RESUMEs with its id and sequence."""

    id: str
    intents: int
    shard: tuple[int, int]
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)  # dispatches, for replay on RESUME
    connection: GatewayConnection | None = None

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Numbered and kept while the bot is away, sent at once when it is connected."""
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(payload)
        if self.connection is not None:
            await self.connection.send(payload)


class GatewayConnection:
    def __init__(self, fake: FakeDiscord, ws: web.WebSocketResponse, compress: bool) -> None:
        self.fake = fake
        self.ws = ws
        self._zlib = zlib.compressobj() if compress else None
        self.session: GatewaySession | None = None
        self._lock = asyncio.Lock()

    async def send(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload)
        async with self._lock:
            if self.ws.closed:
                return
            if self._zlib is not None:
                chunk = self._zlib.compress(data.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(chunk)
            else:
                await self.ws.send_str(data)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        if self.session is not None:
            await self.session.dispatch(event, data)

    async def close(self, code: int) -> None:
        await self.ws.close(code=code, message=b"")

    async def run(self) -> None:
        await self.send(
            {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None}
        )
        async for msg in self.ws:
            if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            try:
                payload = json.loads(msg.data)
            except ValueError:
                await self.close(4002)  # decode error
                break
            await self._handle(payload)
        if self.session is not None and self.session.connection is self:
            self.session.connection = None

    async def _handle(self, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            await self.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._identify(data or {})
        elif op == RESUME:
            await self._resume(data or {})
        elif op in (3, 8):  # presence update, request guild members: accepted, nothing to say
            return
        else:
            await self.close(4001)  # unknown opcode

    async def _identify(self, data: dict[str, Any]) -> None:
        fake = self.fake
        if data.get("token") != fake.token:
            await self.close(4004)  # authentication failed
            return
        intents = int(data.get("intents", 0))
        if intents & r.PRIVILEGED_INTENTS & ~fake.granted_intents:
            await self.close(4014)  # disallowed intents
            return
        shard_id, shard_count = data.get("shard") or (0, 1)
        session = GatewaySession(id=uuid.uuid4().hex, intents=intents, shard=(shard_id, shard_count))
        session.connection = self
        self.session = session
        fake.gateway_sessions[session.id] = session
        fake.identifies += 1
        guilds = [g for g in fake.world.guilds.values() if g.bot_member and fake.shard_of(g.id, session)]
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": fake.world.bot.payload() | {"verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.id,
                "resume_gateway_url": fake.gateway_url,
                "shard": [shard_id, shard_count],
                "application": {"id": str(fake.world.application_id), "flags": fake.application_flags},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
                "guild_join_requests": [],
                "user_settings": {},
                "session_type": "normal",
                "auth": {},
            },
        )
        if intents & r.INTENT_GUILDS:
            for guild in guilds:
                await self.dispatch("GUILD_CREATE", fake.world.guild_create(guild))

    async def _resume(self, data: dict[str, Any]) -> None:
        fake = self.fake
        session = fake.gateway_sessions.get(str(data.get("session_id")))
        if data.get("token") != fake.token or session is None:
            await self.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        self.session = session
        session.connection = self
        fake.resumes += 1
        seen = int(data.get("seq") or 0)
        for missed in [p for p in session.sent if p["s"] > seen]:
            await self.send(missed)
        await self.dispatch("RESUMED", {})
