"""`python -m bot invite`: the URLs that add the bot to a server (with the exact permissions it needs) and
install it for a user."""

from __future__ import annotations

import base64
import binascii

import discord

from bot.config import Settings

# What the bot does in a channel: see it, answer there (messages, threads), show embeds, reply to a message.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    read_message_history=True,
)


def application_id_from_token(token: str) -> int | None:
    """A bot token starts with the bot user's id in base64, which is the application's id."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None


def invite_urls(application_id: int) -> tuple[str, str]:
    """(server install with the bot's permissions, user install)."""
    base = "https://discord.com/oauth2/authorize"
    guild = (
        f"{base}?client_id={application_id}&permissions={BOT_PERMISSIONS.value}"
        "&integration_type=0&scope=bot+applications.commands"
    )
    user = f"{base}?client_id={application_id}&integration_type=1&scope=applications.commands"
    return guild, user


def invite_text(settings: Settings) -> tuple[int, str]:
    """(exit code, text to print)."""
    from bot.i18n import t

    lang = settings.default_language
    app_id = settings.discord_application_id
    if app_id is None and settings.discord_token is not None:
        app_id = application_id_from_token(settings.discord_token.get_secret_value())
    if app_id is None:
        return 2, t("invite.no_app_id", lang)
    guild, user = invite_urls(app_id)
    return 0, t("invite.urls", lang, guild=guild, user=user, permissions=BOT_PERMISSIONS.value)
