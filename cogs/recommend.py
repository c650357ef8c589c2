"""/recommend: picks for the person asking (their taste + the prompt, or their listening alone without an LLM),
with buttons to play, queue or save them, and a relink button when the link cannot see their listening.

The buttons carry a short key in their custom id (`spb:rec:<op>:<key>`); the track URIs stay in memory for
RECOMMEND_BUTTONS_TTL_S. When that passes the buttons are disabled on the message, and a click on one that
expired (or that predates a restart) is answered with "run /recommend again"."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError
from bot.i18n import t
from bot.nlu import actions as a
from bot.nlu.plan import Context
from bot.recommend.personal import FOR_ME
from bot.recommend.taste import MissingTasteScopes
from bot.spotify.outcome import Outcome
from cogs.account import links_button_url
from cogs.common import Gate, L, interaction_lang, personal, send, send_outcome, services_of, state_of
from cogs.expiring import answer_expired, disabled_copy
from cogs.render import outcomes_embed

log = logging.getLogger(__name__)

PLAYLIST_NAME_LIMIT = 100
OPS: dict[str, tuple[str, discord.ButtonStyle, str]] = {
    "play": ("ui.recommend.play", discord.ButtonStyle.success, "▶"),
    "queue": ("ui.recommend.queue", discord.ButtonStyle.secondary, "➕"),
    "save": ("ui.recommend.save", discord.ButtonStyle.secondary, "💾"),
}


def playlist_name(prompt: str, lang: str) -> str:
    return t("ui.recommend.playlist_name", lang, prompt=prompt)[:PLAYLIST_NAME_LIMIT]


class RecommendButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"spb:rec:(?P<op>play|queue|save):(?P<key>[\w-]{1,40})",
):
    def __init__(self, op: str, key: str, lang: str, *, disabled: bool = False) -> None:
        label, style, emoji = OPS[op]
        super().__init__(
            discord.ui.Button(
                label=t(label, lang),
                style=style,
                emoji=emoji,
                custom_id=f"spb:rec:{op}:{key}",
                disabled=disabled,
            )
        )
        self.op = op
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RecommendButton:
        return cls(match["op"], match["key"], interaction_lang(interaction))

    async def callback(self, interaction: discord.Interaction) -> None:
        stored = state_of(interaction.client).recommendations.get(self.key)
        if stored is None:
            await answer_expired(interaction, "ui.expired.recommend")
            return
        uris, prompt = stored

        async def play(session: Any, ctx: Context) -> Outcome:
            return await session.play_uris(uris)  # type: ignore[no-any-return]

        async def queue(session: Any, ctx: Context) -> Outcome:
            return await session.queue_uris(uris)  # type: ignore[no-any-return]

        async def save(session: Any, ctx: Context) -> Outcome:
            return await session.save_playlist(prompt[:PLAYLIST_NAME_LIMIT], uris)  # type: ignore[no-any-return]

        do, key = {
            "play": (play, "ui.recommend.played"),
            "queue": (queue, "ui.recommend.queued"),
            "save": (save, ""),
        }[self.op]
        await run_on_session(interaction, do, key, len(uris))


async def run_on_session(
    interaction: discord.Interaction,
    do: Callable[[Any, Context], Awaitable[Outcome]],
    key: str,
    count: int,
) -> None:
    async with Gate(interaction) as gate:
        ctx = await gate.begin(control=True)
        session = await services_of(interaction.client).sessions.session_for(ctx)
        outcome = await do(session, ctx)
        if outcome.ok and key:
            outcome = Outcome(action=outcome.action, ok=True, key=key, params={"count": count})
        await send_outcome(interaction, outcome, ctx.locale)


def recommend_view(key: str, lang: str, *, disabled: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for op in OPS:
        view.add_item(RecommendButton(op, key, lang, disabled=disabled))
    return view


def recommend_view_for(
    client: discord.Client, outcomes: list[Outcome], prompt: str, lang: str
) -> tuple[discord.ui.View, str] | None:
    """Buttons for the first successful recommendation among `outcomes` (and their key), if any."""
    for outcome in outcomes:
        if outcome.ok and outcome.action == "recommend" and outcome.tracks:
            uris = [track.uri for track in outcome.tracks if track.uri.startswith("spotify:")]
            if not uris:
                return None
            key = secrets.token_urlsafe(6)
            # the saved playlist's name says what it is and when ("For you · 2 Dec 2026"), chosen by the service
            named = outcome.params.get("playlist_name")
            name = named if isinstance(named, str) and named else playlist_name(prompt, lang)
            state_of(client).recommendations.put(key, (uris, name))
            return recommend_view(key, lang), key
    return None


def wants_relink(outcomes: list[Outcome]) -> bool:
    """The link cannot see the listener's history (made before the bot asked for those scopes)."""
    return any(o.key == MissingTasteScopes.key or o.params.get("needs_scopes") is True for o in outcomes)


async def with_relink(
    client: discord.Client, view: discord.ui.View | None, outcomes: list[Outcome], ctx: Context, lang: str
) -> discord.ui.View | None:
    """`view` plus a relink button when the link lacks the listening scopes."""
    if not wants_relink(outcomes) or services_of(client).links is None:
        return view
    try:
        url = await links_button_url(client, ctx.user_id, ctx.guild_id, lang)
    except UserFacingError:
        return view
    if url is None:
        return view
    view = view or discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label=t("recommend.relink_button", lang), url=url, emoji="🎧"))
    return view


def expire_recommendations(
    client: discord.Client, key: str, lang: str, disable: Callable[[discord.ui.View], Awaitable[Any]]
) -> None:
    """Disable the buttons on the message when their recommendation expires."""
    state = state_of(client)
    state.expiry.schedule(
        state.services.settings.recommend_buttons_ttl_s,
        lambda: disable(disabled_copy(recommend_view(key, lang, disabled=True))),
        "recommendation buttons",
    )


class Recommend(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RecommendButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RecommendButton)

    @app_commands.command(name="recommend", description=L("ui.cmd.recommend"))
    @personal
    @app_commands.rename(prompt=L("ui.opt.prompt"), count=L("ui.opt.count"))
    @app_commands.describe(prompt=L("ui.optdesc.prompt"), count=L("ui.optdesc.count"))
    async def recommend(
        self,
        interaction: discord.Interaction,
        prompt: app_commands.Range[str, 1, 500] | None = None,
        count: app_commands.Range[int, 1, 20] = 5,
    ) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin()
            action = a.Recommend(prompt=" ".join((prompt or "").split())[:500] or FOR_ME, count=count)
            outcome = await services_of(self.bot).assistant.run_action(action, ctx)
            made = recommend_view_for(self.bot, [outcome], action.prompt, ctx.locale)
            view = await with_relink(self.bot, made[0] if made else None, [outcome], ctx, ctx.locale)
            if not outcome.ok and view is not None:  # the link cannot see the listening: relink button
                embed = discord.Embed(description=outcome.message(ctx.locale), colour=discord.Colour.red())
                await send(interaction, embed=embed, view=view, ephemeral=True)
                return
            if not outcome.ok:
                await send_outcome(interaction, outcome, ctx.locale)
                return
            await send(interaction, embed=outcomes_embed([outcome], ctx.locale), view=view)
            if made is not None:
                expire_recommendations(
                    self.bot, made[1], ctx.locale, lambda view: interaction.edit_original_response(view=view)
                )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Recommend(bot))
