"""Components that expire: they are disabled on the message when they do, and a click on any stale component
(expired, or from before a restart) gets an ephemeral "this menu expired, run /… again" instead of silence."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.i18n import normalise_lang, t

log = logging.getLogger(__name__)

# Older builds sent discord.py's automatic custom ids (32 hex characters) on non-persistent views.
LEGACY_CUSTOM_ID = r"[0-9a-f]{32}"


class Expiry:
    """Timers that disable components when they expire; cancelled when the bot closes."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, delay_s: float, disable: Callable[[], Awaitable[Any]], what: str) -> None:
        async def run() -> None:
            await asyncio.sleep(delay_s)
            try:
                await disable()
            except discord.HTTPException as exc:  # the message was deleted, or the channel is gone
                log.info("could not disable expired %s: %s (code %s)", what, exc.status, exc.code)
            except Exception:
                log.exception("disabling expired %s failed", what)

        task = asyncio.get_running_loop().create_task(run(), name=f"expire-{what}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()


def disabled_copy(view: discord.ui.View) -> discord.ui.View:
    """The same components, all disabled (what an expired message shows)."""
    for item in view.children:
        inner = getattr(item, "item", item)  # DynamicItem wraps its component
        if hasattr(inner, "disabled"):
            inner.disabled = True
        if hasattr(item, "disabled"):
            item.disabled = True
    view.stop()
    return view


def disabled_from_message(message: discord.Message | None) -> discord.ui.View | None:
    """A disabled copy of the components on `message` (for a click on a stale one)."""
    if message is None or not message.components:
        return None
    view = discord.ui.View.from_message(message, timeout=None)
    return disabled_copy(view)


async def answer_expired(interaction: discord.Interaction, key: str) -> None:
    """Disable the clicked message's components (update) and tell the user privately. Never raises."""
    locale = getattr(interaction, "locale", None)
    lang = normalise_lang(getattr(locale, "value", None))
    embed = discord.Embed(description=t(key, lang), colour=discord.Colour.orange())
    try:
        disabled = disabled_from_message(interaction.message)
        if disabled is not None and not interaction.response.is_done():
            await interaction.response.edit_message(view=disabled)
            await interaction.followup.send(embed=embed, ephemeral=True)
        elif not interaction.response.is_done():
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.followup.send(embed=embed, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not tell user %s that a menu expired: %s", interaction.user.id, exc.code)


class StaleComponent(discord.ui.DynamicItem[discord.ui.Button[Any]], template=LEGACY_CUSTOM_ID):
    """Any component from an older build whose view no longer exists."""

    def __init__(self, custom_id: str = "0" * 32) -> None:
        super().__init__(discord.ui.Button(custom_id=custom_id))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StaleComponent:
        return cls(match.group(0))

    async def callback(self, interaction: discord.Interaction) -> None:
        with contextlib.suppress(Exception):
            await answer_expired(interaction, "ui.expired.generic")
