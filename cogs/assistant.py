"""@mentions in servers and DMs: free text through the Assistant, answered with one embed."""

from __future__ import annotations

import contextlib
import logging
import re

import discord
from discord.ext import commands

from bot.errors import UserFacingError
from bot.nlu.plan import Context, Lang
from bot.spotify.errors import NotLinked
from bot.spotify.outcome import Outcome
from cogs.account import link_view, links_button_url
from cogs.common import message_context, reply_to, services_of, state_of
from cogs.errors import report_message_error
from cogs.offer import offer_view_for
from cogs.recommend import expire_recommendations, recommend_view_for, with_relink
from cogs.render import outcomes_embed

log = logging.getLogger(__name__)

NOT_LINKED_KEYS = frozenset({NotLinked.key, "spotify.link_expired"})


def strip_mentions(content: str, user_id: int) -> str:
    """Remove `<@id>` / `<@!id>` mentions of the bot and fold whitespace."""
    return " ".join(re.sub(rf"<@!?{user_id}>", " ", content).split())


def mentions_user(message: discord.Message, user_id: int) -> bool:
    """An explicit mention of the bot (not @everyone, not a reply ping alone)."""
    return f"<@{user_id}>" in message.content or f"<@!{user_id}>" in message.content


class AssistantCog(commands.Cog, name="Assistant"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return
        is_dm = message.guild is None
        if not is_dm and not mentions_user(message, me.id):
            return
        if (await self.bot.get_context(message)).valid:
            return  # a prefix command such as `@bot sync` (in a server or a DM): the command answers it
        await self.answer(message, strip_mentions(message.content, me.id))

    async def answer(self, message: discord.Message, text: str) -> None:
        lang: Lang = services_of(self.bot).settings.default_language
        try:
            ctx = await message_context(self.bot, message)
            lang = ctx.locale
            state_of(self.bot).cooldown.hit(message.author.id)
            with contextlib.suppress(discord.HTTPException):  # the typing indicator is a nicety
                await message.channel.typing()
            response = await services_of(self.bot).assistant.handle_text(text, ctx)
            lang = response.lang
            embed = outcomes_embed(response.outcomes, lang)
            if response.offer is not None:  # e.g. "create the playlist gym?": a button to say yes
                embed.description = f"{embed.description}\n{response.offer.question(lang)}"
                view = offer_view_for(response.offer, message.author.id, lang)
                await reply_to(message, embed=embed, view=view)
            else:
                await self._send(message, embed, response.outcomes, text, ctx, lang)
        except Exception as exc:
            if not isinstance(exc, UserFacingError):
                log.exception("answering message %s failed", message.id)
            await report_message_error(message, exc, lang)

    async def _send(
        self,
        message: discord.Message,
        embed: discord.Embed,
        outcomes: list[Outcome],
        text: str,
        ctx: Context,
        lang: Lang,
    ) -> None:
        """A link button when the user's account is not linked; play/queue/save under recommendations."""
        if any(not o.ok and o.key in NOT_LINKED_KEYS for o in outcomes):
            url = None
            if services_of(self.bot).links is not None:
                try:
                    url = await links_button_url(self.bot, ctx.user_id, ctx.guild_id, lang)
                except UserFacingError:
                    url = None
            await reply_to(message, embed=embed, view=link_view(url, lang) if url else None)
            return
        made = recommend_view_for(self.bot, outcomes, text, lang)
        view = await with_relink(self.bot, made[0] if made else None, outcomes, ctx, lang)
        sent = await reply_to(message, embed=embed, view=view)
        if made is not None and sent is not None:
            expire_recommendations(self.bot, made[1], lang, lambda view: sent.edit(view=view))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AssistantCog(bot))
