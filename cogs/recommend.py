"""/recommend: picks for the person asking (their taste + the prompt, or their listening alone without an
LLM), with buttons to play, queue or save them, and a relink button when the link cannot see their listening."""

from __future__ import annotations

import logging
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
from bot.spotify.outcome import Outcome, TrackInfo
from cogs.common import Gate, L, personal, send, send_outcome, services_of
from cogs.render import outcomes_embed

log = logging.getLogger(__name__)

RECOMMEND_VIEW_TIMEOUT_S = 15 * 60.0
PLAYLIST_NAME_LIMIT = 100


class RecommendView(discord.ui.View):
    """Buttons under a list of recommendations. Holds the URIs in memory for 15 minutes."""

    def __init__(self, tracks: list[TrackInfo], prompt: str, lang: str, name: str | None = None) -> None:
        super().__init__(timeout=RECOMMEND_VIEW_TIMEOUT_S)
        self.uris = [track.uri for track in tracks if track.uri.startswith("spotify:")]
        self.prompt = prompt
        self.name = name
        self.play_all.label = t("ui.recommend.play", lang)
        self.queue_all.label = t("ui.recommend.queue", lang)
        self.save.label = t("ui.recommend.save", lang)

    async def _run(
        self,
        interaction: discord.Interaction,
        do: Callable[[Any, Context], Awaitable[Outcome]],
        key: str,
    ) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin(control=True)
            session = await services_of(interaction.client).sessions.session_for(ctx)
            outcome = await do(session, ctx)
            if outcome.ok and key:
                outcome = Outcome(action=outcome.action, ok=True, key=key, params={"count": len(self.uris)})
            await send_outcome(interaction, outcome, ctx.locale)

    @discord.ui.button(label="Play all", style=discord.ButtonStyle.success, emoji="▶")
    async def play_all(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self._run(interaction, lambda session, ctx: session.play_uris(self.uris), "ui.recommend.played")

    @discord.ui.button(label="Add to queue", style=discord.ButtonStyle.secondary, emoji="➕")
    async def queue_all(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self._run(
            interaction, lambda session, ctx: session.queue_uris(self.uris), "ui.recommend.queued"
        )

    @discord.ui.button(label="Save as playlist", style=discord.ButtonStyle.secondary, emoji="💾")
    async def save(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self._run(
            interaction,
            lambda session, ctx: session.save_playlist(self.playlist_name(ctx.locale), self.uris),
            "",
        )

    def playlist_name(self, lang: str) -> str:
        """What the recommendation is and when (chosen by the service), e.g. "For you · 2 Dec 2026"."""
        if self.name:
            return self.name[:PLAYLIST_NAME_LIMIT]
        return t("ui.recommend.playlist_name", lang, prompt=self.prompt)[:PLAYLIST_NAME_LIMIT]


def recommend_view_for(outcomes: list[Outcome], prompt: str, lang: str) -> RecommendView | None:
    """Buttons for the first successful recommendation among `outcomes`, if any."""
    for outcome in outcomes:
        if outcome.ok and outcome.action == "recommend" and outcome.tracks:
            name = outcome.params.get("playlist_name")
            return RecommendView(outcome.tracks, prompt, lang, name if isinstance(name, str) else None)
    return None


def wants_relink(outcomes: list[Outcome]) -> bool:
    """The link cannot see the listener's history (made before the bot asked for those scopes)."""
    return any(o.key == MissingTasteScopes.key or o.params.get("needs_scopes") is True for o in outcomes)


async def recommend_reply_view(
    bot: discord.Client, outcomes: list[Outcome], prompt: str, ctx: Context, lang: str
) -> discord.ui.View | None:
    """The recommendation buttons, plus a relink button when the link lacks the listening scopes."""
    view: discord.ui.View | None = recommend_view_for(outcomes, prompt, lang)
    if not wants_relink(outcomes):
        return view
    links = services_of(bot).links
    if links is None:
        return view
    try:
        url = await links.start_link(ctx.user_id, ctx.guild_id, lang)
    except UserFacingError:
        return view
    view = view or discord.ui.View(timeout=RECOMMEND_VIEW_TIMEOUT_S)
    view.add_item(discord.ui.Button(label=t("recommend.relink_button", lang), url=url, emoji="🎧"))
    return view


class Recommend(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

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
            view = await recommend_reply_view(self.bot, [outcome], action.prompt, ctx, ctx.locale)
            if not outcome.ok and view is not None:  # e.g. the link cannot see the listening: relink button
                embed = discord.Embed(description=outcome.message(ctx.locale), colour=discord.Colour.red())
                await send(interaction, embed=embed, view=view, ephemeral=True)
                return
            if not outcome.ok:
                await send_outcome(interaction, outcome, ctx.locale)
                return
            await send(interaction, embed=outcomes_embed([outcome], ctx.locale), view=view)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Recommend(bot))
