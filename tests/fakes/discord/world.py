"""What the fake Discord knows: users, guilds, roles, channels, messages and interactions, and the JSON each
one has on the wire (shaped as discord-openapi.json's response schemas and the gateway's event payloads)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.discord import rules as r

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count(1)


def snowflake() -> int:
    """A fresh id whose timestamp is now (discord.py reads created_at from it)."""
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (next(_counter) % 4096)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


class Clock:
    """Wall clock the fake uses for the 3-second and 15-minute rules; tests may move it forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    accepts_dms: bool = True

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "avatar": None,
            "discriminator": "0",
            "public_flags": 0,
            "flags": 0,
            "global_name": self.username.title(),
            "primary_guild": None,
        }
        if self.bot:
            data["bot"] = True
        return data

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    name: str
    permissions: int = 0
    position: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


TEXT, DM, GROUP_DM = 0, 1, 3


@dataclass
class Channel:
    id: int
    type: int = TEXT
    guild_id: int | None = None
    name: str = "general"
    bot_deny: int = 0  # permissions denied to the bot by a channel overwrite
    recipients: list[int] = field(default_factory=list)
    bot_member: bool = True  # DM/group DM: whether the bot is a recipient

    def payload(self, world: World) -> dict[str, Any]:
        if self.type in (DM, GROUP_DM):
            return {
                "id": str(self.id),
                "type": self.type,
                "flags": 0,
                "last_message_id": None,
                "recipients": [world.users[u].payload() for u in self.recipients],
                **({"name": self.name, "owner_id": str(self.recipients[0])} if self.type == GROUP_DM else {}),
            }
        overwrites = []
        if self.bot_deny:
            overwrites.append({"id": str(world.bot.id), "type": 1, "allow": "0", "deny": str(self.bot_deny)})
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": 0,
            "permission_overwrites": overwrites,
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)  # user id -> role ids (without @everyone)
    channel_ids: list[int] = field(default_factory=list)
    bot_installed: bool = True  # the app is installed in the guild (its commands; integration owner "0")
    bot_member: bool = True  # the bot user is in the guild (GUILD_CREATE, channel access); False with only
    # the applications.commands scope, or when the app is only user-installed here (a partial guild)
    locale: str = "en-US"

    def permissions_of(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return (1 << 53) - 1
        perms = self.roles[self.id].permissions
        for role_id in self.members.get(user_id, []):
            role = self.roles.get(role_id)
            if role is not None:
                perms |= role.permissions
        if perms & r.ADMINISTRATOR:
            return (1 << 53) - 1
        return perms


@dataclass
class Message:
    id: int
    channel_id: int
    author_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    created: float = field(default_factory=time.time)
    edited: float | None = None
    deleted: bool = False
    interaction_id: int | None = None
    webhook_id: int | None = None
    reference: dict[str, Any] | None = None
    guild_id: int | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & r.EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & r.LOADING)

    def payload(self, world: World) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": 19 if self.reference else (20 if self.interaction_id else 0),
            "content": self.content,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [normalise_embed(e) for e in self.embeds],
            "timestamp": iso(self.created),
            "edited_timestamp": iso(self.edited) if self.edited else None,
            "flags": self.flags,
            "components": normalise_components(self.components),
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": world.users[self.author_id].payload(),
            "pinned": False,
            "mention_everyone": False,
            "tts": False,
        }
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(self.webhook_id)
        if self.reference:
            data["message_reference"] = {"type": 0, **self.reference}
        return data


@dataclass
class Interaction:
    id: int
    token: str
    type: int  # 2 command, 3 component, 4 autocomplete
    user_id: int
    channel_id: int
    guild_id: int | None
    created: float
    context: int  # 0 guild, 1 bot DM, 2 private channel
    user_installed: bool
    payload: dict[str, Any]
    message_id: int | None = None  # the message a component sits on
    response_type: int | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    errors: list[int] = field(default_factory=list)  # Discord error codes answered for this interaction
    events: int = 0
    answered_after_defer: bool = False


def normalise_embed(embed: dict[str, Any]) -> dict[str, Any]:
    out = {"type": "rich", **embed}
    if "fields" in out:
        out["fields"] = [{"inline": False, **f} for f in out["fields"]]
    return out


def normalise_components(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Discord numbers every component of a message (`id`); the response schemas require it."""
    counter = itertools.count(1)

    def number(component: dict[str, Any]) -> dict[str, Any]:
        out = dict(component)
        out.setdefault("id", next(counter))
        emoji = out.get("emoji")
        if isinstance(emoji, dict):  # a unicode emoji has no id
            out["emoji"] = {k: v for k, v in emoji.items() if v is not None}
        if "components" in out:
            out["components"] = [number(c) for c in out["components"]]
        return out

    return [number(row) for row in rows]


class World:
    """Everything the fake holds, built by the test (see FakeDiscord.add_guild & co.)."""

    def __init__(self, bot: User, application_id: int) -> None:
        self.bot = bot
        self.application_id = application_id
        self.users: dict[int, User] = {bot.id: bot}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self.by_token: dict[str, Interaction] = {}

    def bot_permissions(self, channel: Channel) -> int:
        if channel.guild_id is None:
            return r.VIEW_CHANNEL | r.SEND_MESSAGES | r.EMBED_LINKS | r.READ_MESSAGE_HISTORY
        guild = self.guilds[channel.guild_id]
        if not guild.bot_member:
            return 0
        perms = guild.permissions_of(self.bot.id)
        if perms == (1 << 53) - 1:
            return perms
        return perms & ~channel.bot_deny

    def member_payload(self, guild: Guild, user_id: int) -> dict[str, Any]:
        return {
            "user": self.users[user_id].payload(),
            "roles": [str(x) for x in guild.members.get(user_id, [])],
            "joined_at": iso(time.time() - 86400),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }

    def guild_create(self, guild: Guild) -> dict[str, Any]:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "roles": [role.payload() for role in guild.roles.values()],
            "channels": [self.channels[c].payload(self) for c in guild.channel_ids],
            "members": [self.member_payload(guild, self.bot.id)],
            "member_count": len(guild.members),
            "features": [],
            "unavailable": False,
            "joined_at": iso(time.time() - 86400),
            "large": False,
            "voice_states": [],
            "presences": [],
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "emojis": [],
            "stickers": [],
            "preferred_locale": guild.locale,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "system_channel_flags": 0,
            "system_channel_id": None,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "vanity_url_code": None,
            "application_id": None,
            "max_video_channel_users": 25,
            "premium_progress_bar_enabled": False,
        }
