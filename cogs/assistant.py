"""@mentions in servers and DMs: free text through the Assistant, answered with one embed."""

from __future__ import annotations

import logging
import re

import discord
from discord.ext import commands

from bot.errors import UserFacingError
from bot.nlu.plan import Context, Lang
from bot.spotify.errors import NotLinked
from cogs.account import link_view
from cogs.common import message_context, services_of, state_of
from cogs.errors import report_message_error
from cogs.recommend import recommend_reply_view
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
        if not is_dm and (await self.bot.get_context(message)).valid:
            return  # a prefix command such as `@bot sync`
        await self.answer(message, strip_mentions(message.content, me.id))

    async def answer(self, message: discord.Message, text: str) -> None:
        lang: Lang = services_of(self.bot).settings.default_language
        try:
            ctx = await message_context(self.bot, message)
            lang = ctx.locale
            state_of(self.bot).cooldown.hit(message.author.id)
            async with message.channel.typing():
                response = await services_of(self.bot).assistant.handle_text(text, ctx)
            lang = response.lang
            embed = outcomes_embed(response.outcomes, lang)
            view = await self._view_for(response.outcomes, text, ctx, lang)
            if view is not None:
                await message.reply(embed=embed, view=view, mention_author=False)
            else:
                await message.reply(embed=embed, mention_author=False)
        except Exception as exc:
            if not isinstance(exc, UserFacingError):
                log.exception("answering message %s failed", message.id)
            await report_message_error(message, exc, lang)

    async def _view_for(self, outcomes: list, text: str, ctx: Context, lang: Lang) -> discord.ui.View | None:
        """A link button when the user's account is not linked; play/queue/save under recommendations."""
        if any(not o.ok and o.key in NOT_LINKED_KEYS for o in outcomes):
            links = services_of(self.bot).links
            if links is None:
                return None
            try:
                url = await links.start_link(ctx.user_id, ctx.guild_id, lang)
            except UserFacingError:
                return None
            return link_view(url, lang)
        return await recommend_reply_view(self.bot, outcomes, text, ctx, lang)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AssistantCog(bot))
