"""The now-playing panel (/nowplaying) with buttons that survive restarts, and /devices with a select menu."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import t
from bot.nlu import actions as a
from bot.nlu.actions import Action
from bot.nlu.plan import Context
from bot.shown import shown
from bot.spotify.outcome import DeviceInfo, Outcome, PlaybackInfo
from cogs.common import Gate, L, personal, send, send_outcome, services_of, state_of
from cogs.dj import add_dj_line
from cogs.expiring import StaleComponent, answer_expired
from cogs.render import now_playing_embed, outcomes_embed, trim

log = logging.getLogger(__name__)

PANEL_PREFIX = "spb:panel:"
# op -> (emoji, row)
PANEL_BUTTONS: dict[str, tuple[str, int]] = {
    "prev": ("⏮", 0),
    "toggle": ("⏯", 0),
    "next": ("⏭", 0),
    "shuffle": ("🔀", 0),
    "repeat": ("🔁", 0),
    "voldown": ("🔉", 1),
    "volup": ("🔊", 1),
    "like": ("❤", 1),
}
VOLUME_STEP = 10
REPEAT_CYCLE = {"off": "context", "context": "track", "track": "off"}


def panel_action(op: str, playback: PlaybackInfo | None) -> Action:
    """What a panel button does, given the current playback (toggles need it)."""
    if op == "prev":
        return a.Previous()
    if op == "next":
        return a.Skip()
    if op == "toggle":
        return a.Pause() if playback is not None and playback.is_playing else a.Resume()
    if op == "shuffle":
        return a.Shuffle(on=not (playback.shuffle if playback else False))
    if op == "repeat":
        mode = REPEAT_CYCLE.get(playback.repeat if playback else "off", "context")
        return a.Repeat(mode="track" if mode == "track" else "context" if mode == "context" else "off")
    if op == "voldown":
        return a.Volume(delta=-VOLUME_STEP)
    if op == "volup":
        return a.Volume(delta=VOLUME_STEP)
    if op == "like":
        return a.Like()
    raise ValueError(f"unknown panel button {op!r}")


class PanelButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"spb:panel:(?P<op>[a-z]+)"):
    """A panel button whose custom id carries its op, so it works after a restart."""

    def __init__(self, op: str) -> None:
        emoji, row = PANEL_BUTTONS[op]
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary, emoji=emoji, custom_id=PANEL_PREFIX + op, row=row
            )
        )
        self.op = op

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PanelButton:
        op = match["op"]
        if op not in PANEL_BUTTONS:
            raise ValueError(f"unknown panel button {op!r}")
        return cls(op)

    async def callback(self, interaction: discord.Interaction) -> None:
        await press_panel_button(interaction, self.op)


def panel_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for op in PANEL_BUTTONS:
        view.add_item(PanelButton(op))
    return view


async def current_playback(interaction: discord.Interaction, ctx: Context) -> Outcome:
    return await services_of(interaction.client).assistant.run_action(a.NowPlaying(), ctx)


async def press_panel_button(interaction: discord.Interaction, op: str) -> None:
    """Run the button's action (DJ role checked first), then refresh the panel in place."""
    async with Gate(interaction) as gate:
        ctx = await gate.begin(control=True)
        assistant = services_of(interaction.client).assistant
        before = await current_playback(interaction, ctx) if op in {"toggle", "shuffle", "repeat"} else None
        outcome = await assistant.run_action(panel_action(op, before.playback if before else None), ctx)
        if not outcome.ok:
            await send_outcome(interaction, outcome, ctx.locale)
            return
        after = await current_playback(interaction, ctx)
        embed = now_playing_embed(after.playback if after.ok else None, ctx.locale)
        add_dj_line(interaction.client, ctx.guild_id, embed, ctx.locale)
        await interaction.edit_original_response(embed=embed, view=panel_view())


def selectable(devices: list[DeviceInfo]) -> list[DeviceInfo]:
    """Devices the menu can offer: Spotify may list some without an id (they cannot be chosen), and ids
    must be unique in a select menu."""
    seen: set[str] = set()
    out: list[DeviceInfo] = []
    for device in devices:
        if device.id and len(device.id) <= 100 and device.id not in seen:
            seen.add(device.id)
            out.append(device)
    return out[:25]


class DeviceSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"spb:dev:(?P<issued>\d{1,12})"):
    """The device menu. Its custom id carries when it was issued, so it expires after DEVICE_MENU_TTL_S even
    across a restart; the chosen value is the device id."""

    def __init__(self, select: discord.ui.Select[Any], issued: int) -> None:
        super().__init__(select)
        self.issued = issued

    @classmethod
    def build(
        cls, devices: list[DeviceInfo], placeholder: str, issued: int, *, disabled: bool = False
    ) -> DeviceSelect:
        options = [
            discord.SelectOption(
                label=trim(shown(d.name, markdown=False), 100) or "?",
                value=d.id,
                description=d.type[:100],
                default=d.is_active,
            )
            for d in devices
        ]
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"spb:dev:{issued}",
            placeholder=placeholder,
            options=options,
            min_values=1,
            max_values=1,
            disabled=disabled,
        )
        return cls(select, issued)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DeviceSelect:
        if not isinstance(item, discord.ui.Select):
            raise ValueError("the device menu is a select")
        return cls(item, int(match["issued"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        ttl = services_of(interaction.client).settings.device_menu_ttl_s
        if time.time() - self.issued > ttl:
            await answer_expired(interaction, "ui.expired.devices")
            return
        async with Gate(interaction) as gate:
            ctx = await gate.begin(control=True)
            device = self.item.values[0]
            outcome = await services_of(interaction.client).assistant.run_action(
                a.Transfer(device=device), ctx
            )
            await send_outcome(interaction, outcome, ctx.locale)


def devices_view(
    devices: list[DeviceInfo], lang: str, issued: int, *, disabled: bool = False
) -> discord.ui.View | None:
    choosable = selectable(devices)
    if not choosable:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(DeviceSelect.build(choosable, t("ui.devices.placeholder", lang), issued, disabled=disabled))
    return view


class Panel(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PanelButton, DeviceSelect, StaleComponent)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PanelButton, DeviceSelect, StaleComponent)

    @app_commands.command(name="nowplaying", description=L("ui.cmd.nowplaying"))
    @personal
    async def nowplaying(self, interaction: discord.Interaction) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin()
            outcome = await current_playback(interaction, ctx)
            if not outcome.ok:
                await send_outcome(interaction, outcome, ctx.locale)
                return
            embed = add_dj_line(
                self.bot, ctx.guild_id, now_playing_embed(outcome.playback, ctx.locale), ctx.locale
            )
            await send(interaction, embed=embed, view=panel_view())

    @app_commands.command(name="devices", description=L("ui.cmd.devices"))
    @personal
    async def devices(self, interaction: discord.Interaction) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin()
            outcome = await services_of(self.bot).assistant.run_action(a.Devices(), ctx)
            if not outcome.ok:
                await send_outcome(interaction, outcome, ctx.locale)
                return
            issued = int(time.time())
            view = devices_view(outcome.devices, ctx.locale, issued) if ctx.can_control else None
            embed = outcomes_embed([outcome], ctx.locale)
            if view is not None and len(selectable(outcome.devices)) < len(outcome.devices):
                note = t("ui.devices.unselectable", ctx.locale)
                embed.description = trim(f"{embed.description or ''}\n\n{note}", 4096)
            await send(interaction, embed=embed, view=view)
            if view is not None:
                disabled = devices_view(outcome.devices, ctx.locale, issued, disabled=True)
                state = state_of(self.bot)
                state.expiry.schedule(
                    state.services.settings.device_menu_ttl_s,
                    lambda: interaction.edit_original_response(view=disabled),
                    "device menu",
                )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Panel(bot))
