"""`python -m bot commands`: the slash-command tree as JSON, built offline (no token, no login)."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any, TextIO

from discord.ext import commands

from bot.config import Settings

MARKER_START = "<!-- commands:start -->"
MARKER_END = "<!-- commands:end -->"


async def build_command_payload() -> list[dict[str, Any]]:
    """Each top-level command as Discord receives it on sync (with es-ES / es-419 localisations)."""
    from bot.client import EXTENSIONS, bot_options
    from cogs.common import CatalogTranslator

    bot = commands.Bot(**bot_options(Settings(_env_file=None)))  # type: ignore[call-arg]
    try:
        for name in EXTENSIONS:
            await bot.load_extension(name)
        translator = CatalogTranslator()
        commands_sorted = sorted(bot.tree.get_commands(), key=lambda command: command.name)
        return [await command.get_translated_payload(bot.tree, translator) for command in commands_sorted]
    finally:
        await bot.close()


def build_command_tree_json() -> list[dict[str, Any]]:
    """Synchronous wrapper (runs in its own thread when an event loop is already running)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(build_command_payload())
    result: list[list[dict[str, Any]]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            result.append(asyncio.run(build_command_payload()))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def iter_command_lines(payload: list[dict[str, Any]]) -> list[str]:
    """'/queue add query' style lines, one per leaf command, optional options in brackets."""
    lines: list[str] = []

    def walk(node: dict[str, Any], path: list[str]) -> None:
        options = node.get("options") or []
        children = [o for o in options if o.get("type") in (1, 2)]  # sub-command, sub-command group
        if children:
            for child in children:
                walk(child, [*path, child["name"]])
            return
        args = [o["name"] if o.get("required") else f"[{o['name']}]" for o in options]
        signature = " ".join(["/" + " ".join(path), *args])
        lines.append(f"- `{signature}` — {node['description']}")

    for command in sorted(payload, key=lambda c: c["name"]):
        walk(command, [command["name"]])
    return lines


def render_commands_markdown(payload: list[dict[str, Any]] | None = None) -> str:
    """The README list between the commands markers."""
    return "\n".join(iter_command_lines(payload if payload is not None else build_command_tree_json()))


def print_command_tree(stream: TextIO) -> None:
    json.dump(build_command_tree_json(), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
