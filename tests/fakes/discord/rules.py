"""Discord's rules as the fake enforces them: error bodies with Discord's own codes, and the limits on what a
message, an embed, a component or an interaction response may carry (checked on every body the bot sends)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

# JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json)
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
UNKNOWN_APPLICATION_COMMAND = 10063
MISSING_ACCESS = 50001
CANNOT_SEND_EMPTY = 50006
CANNOT_DM_USER = 50007
MISSING_PERMISSIONS = 50013
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035
DAILY_COMMAND_CREATES = 30034
ALREADY_ACKNOWLEDGED = 40060
MAX_FOLLOWUPS = 40094
REPLY_NEEDS_HISTORY = 160002

# Permission bits
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5

# Gateway intents
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

EPHEMERAL = 1 << 6
LOADING = 1 << 7

INTERACTION_RESPONSE_SECONDS = 3.0
INTERACTION_TOKEN_SECONDS = 15 * 60.0
USER_APP_FOLLOWUP_LIMIT = 5
DAILY_CREATE_LIMIT = 200

MESSAGES = {
    UNKNOWN_CHANNEL: "Unknown Channel",
    UNKNOWN_MESSAGE: "Unknown Message",
    UNKNOWN_WEBHOOK: "Unknown Webhook",
    UNKNOWN_INTERACTION: "Unknown interaction",
    UNKNOWN_APPLICATION_COMMAND: "Unknown application command",
    MISSING_ACCESS: "Missing Access",
    CANNOT_SEND_EMPTY: "Cannot send an empty message",
    CANNOT_DM_USER: "Cannot send messages to this user",
    MISSING_PERMISSIONS: "Missing Permissions",
    INVALID_WEBHOOK_TOKEN: "Invalid Webhook Token",
    INVALID_FORM_BODY: "Invalid Form Body",
    DAILY_COMMAND_CREATES: "Max number of daily application command creates has been reached (200)",
    ALREADY_ACKNOWLEDGED: "Interaction has already been acknowledged.",
    MAX_FOLLOWUPS: "This interaction has hit the maximum number of follow up messages",
    REPLY_NEEDS_HISTORY: "Cannot reply without permission to read message history",
}
STATUS = {
    UNKNOWN_CHANNEL: 404,
    UNKNOWN_MESSAGE: 404,
    UNKNOWN_WEBHOOK: 404,
    UNKNOWN_INTERACTION: 404,
    UNKNOWN_APPLICATION_COMMAND: 404,
    MISSING_ACCESS: 403,
    CANNOT_DM_USER: 403,
    MISSING_PERMISSIONS: 403,
    INVALID_WEBHOOK_TOKEN: 401,
    REPLY_NEEDS_HISTORY: 403,
}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON as Discord sends it: `Content-Type: application/json` exactly (discord.py compares the header)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class DiscordError(Exception):
    """Raised inside a route: becomes Discord's JSON error body with the matching HTTP status."""

    def __init__(self, code: int, errors: dict[str, Any] | None = None, message: str | None = None) -> None:
        super().__init__(f"{code} {message or MESSAGES.get(code, '')}")
        self.code = code
        self.errors = errors
        self.message = message or MESSAGES.get(code, "Error")

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return json_response(body, status=STATUS.get(self.code, 400))


def form_error(path: str, code: str, message: str) -> DiscordError:
    """A 50035 Invalid Form Body pointing at one field, as Discord nests them (`a.0.b` -> {a: {0: {b: ...}}})."""
    tree: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path.split(".")):
        tree = {part: tree}
    return DiscordError(INVALID_FORM_BODY, tree)


def _check_embed(embed: dict[str, Any], where: str) -> int:
    limits = {"title": 256, "description": 4096}
    total = 0
    for key, limit in limits.items():
        value = embed.get(key) or ""
        if len(value) > limit:
            raise form_error(f"{where}.{key}", "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        total += len(value)
    fields = embed.get("fields") or []
    if len(fields) > 25:
        raise form_error(f"{where}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, field in enumerate(fields):
        name, value = field.get("name") or "", field.get("value") or ""
        if not 1 <= len(name) <= 256:
            raise form_error(f"{where}.fields.{i}.name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 256.")
        if not 1 <= len(value) <= 1024:
            raise form_error(
                f"{where}.fields.{i}.value", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 1024."
            )
        total += len(name) + len(value)
    footer = (embed.get("footer") or {}).get("text") or ""
    if len(footer) > 2048:
        raise form_error(f"{where}.footer.text", "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length.")
    author = (embed.get("author") or {}).get("name") or ""
    if len(author) > 256:
        raise form_error(f"{where}.author.name", "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")
    return total + len(footer) + len(author)


def _check_component(component: dict[str, Any], where: str) -> None:
    kind = component.get("type")
    custom_id = component.get("custom_id")
    if custom_id is not None and not 1 <= len(custom_id) <= 100:
        raise form_error(f"{where}.custom_id", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    label = component.get("label")
    if isinstance(label, str) and len(label) > 80:
        raise form_error(f"{where}.label", "BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length.")
    if kind == 2:
        url = component.get("url")
        if component.get("style") == 5:
            if not url or custom_id is not None:
                raise form_error(where, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A link button needs a url only.")
            if len(url) > 512:
                raise form_error(f"{where}.url", "BASE_TYPE_MAX_LENGTH", "Must be 512 or fewer in length.")
        elif custom_id is None:
            raise form_error(f"{where}.custom_id", "BASE_TYPE_REQUIRED", "This field is required")
    if kind == 3:
        options = component.get("options") or []
        if not 1 <= len(options) <= 25:
            raise form_error(
                f"{where}.options", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
            )
        values = [o.get("value") for o in options]
        for i, value in enumerate(values):
            if not isinstance(value, str) or not 1 <= len(value) <= 100:
                raise form_error(
                    f"{where}.options.{i}.value",
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                )
        if len(set(values)) != len(values):
            raise form_error(
                f"{where}.options", "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Duplicate values."
            )


def check_message(body: dict[str, Any], *, allow_empty: bool = False) -> None:
    """Content, embeds and components within Discord's limits; raises DiscordError(50035/50006)."""
    content = body.get("content")
    if isinstance(content, str) and len(content) > 2000:
        raise form_error("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        raise form_error("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = sum(_check_embed(e, f"embeds.{i}") for i, e in enumerate(embeds))
    if total > 6000:
        raise form_error("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    rows = body.get("components") or []
    if len(rows) > 5:
        raise form_error("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for r, row in enumerate(rows):
        children = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(children) <= 5:
            raise form_error(f"components.{r}", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "Bad action row.")
        if any(c.get("type") == 3 for c in children) and len(children) > 1:
            raise form_error(f"components.{r}", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select fills its row.")
        for c, child in enumerate(children):
            _check_component(child, f"components.{r}.components.{c}")
    if not allow_empty and not content and not embeds and not rows and not body.get("attachments"):
        raise DiscordError(CANNOT_SEND_EMPTY)


def check_choices(choices: list[dict[str, Any]]) -> None:
    if len(choices) > 25:
        raise form_error("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        name, value = choice.get("name") or "", choice.get("value")
        if not 1 <= len(name) <= 100:
            raise form_error(f"data.choices.{i}.name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100.")
        if isinstance(value, str) and len(value) > 100:
            raise form_error(f"data.choices.{i}.value", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer.")
