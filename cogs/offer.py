"""A one-button follow-up under an answer ("Create the playlist "gym"?"); only the person who asked may accept."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import discord

from bot.assistant import Offer
from bot.i18n import t
from cogs.common import Gate, send, services_of
from cogs.render import outcomes_embed

log = logging.getLogger(__name__)

OFFER_TIMEOUT_S = 10 * 60.0
BUTTON_LABEL_LIMIT = 80


class OfferView(discord.ui.View):
    def __init__(self, offer: Offer, owner_id: int, lang: str) -> None:
        super().__init__(timeout=OFFER_TIMEOUT_S)
        self.offer = offer
        self.owner_id = owner_id
        self.lang = lang
        self.accept.label = t(f"ui.{offer.key}", lang, **offer.params)[:BUTTON_LABEL_LIMIT]
        # Not discord.py's automatic 32-hex id: cogs/expiring treats those as stale components of old builds.
        self.accept.custom_id = f"spb:offer:{secrets.token_hex(8)}"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(t("ui.offer.not_yours", self.lang), ephemeral=True)
        return False

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.success, emoji="➕")
    async def accept(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        async with Gate(interaction) as gate:
            ctx = await gate.begin()
            self.stop()
            response = await services_of(interaction.client).assistant.accept_offer(self.offer, ctx)
            await send(interaction, embed=outcomes_embed(response.outcomes, response.lang))


def offer_view_for(offer: Offer | None, owner_id: int, lang: str) -> OfferView | None:
    return OfferView(offer, owner_id, lang) if offer is not None else None
