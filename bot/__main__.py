"""Command line: `python -m bot [run|chat|parse|commands]`.

With no sub-command it starts the Discord bot when DISCORD_TOKEN is set, else the terminal chat.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import Settings

log = logging.getLogger("bot")


def build_arg_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    run.add_argument("--sync", action="store_true", help="sync slash commands with Discord on start")
    chat = sub.add_parser("chat", help="talk to the bot in the terminal (demo player unless --spotify)")
    chat.add_argument(
        "--spotify", action="store_true", help="link a real Spotify account through the browser"
    )
    parse = sub.add_parser("parse", help="print the intent of each utterance as JSON lines")
    parse.add_argument("--offline", action="store_true", help="local parser only, no network")
    parse.add_argument("texts", nargs="*", help="utterances (default: one per line from stdin)")
    sub.add_parser("commands", help="print the slash-command tree as JSON")
    return parser


def configure_logging(settings: Settings, *, quiet: bool) -> None:
    level = logging.WARNING if quiet else getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def main(argv: list[str] | None = None) -> int:
    from bot.storage.crypto import EncryptionKeyError
    from bot.storage.errors import StorageStartupError

    args = build_arg_parser().parse_args(argv)
    settings = Settings()
    try:
        return _dispatch(args, settings)
    except StorageStartupError as exc:  # one sentence saying what to do, not a traceback
        print(exc.message(settings.default_language), file=sys.stderr)
    except EncryptionKeyError as exc:
        print(str(exc), file=sys.stderr)
    return 1


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command is None:
        command = "run" if settings.discord_token is not None else "chat"
        args = build_arg_parser().parse_args([command])
    configure_logging(settings, quiet=command in {"chat", "parse", "commands"})

    if command == "parse":
        from bot.cli.parse import run_parse

        texts = list(args.texts) or None
        return asyncio.run(run_parse(settings, texts, args.offline, sys.stdout, sys.stdin))
    if command == "commands":
        from bot.cli.commands import print_command_tree

        print_command_tree(sys.stdout)
        return 0
    if command == "chat":
        from bot.cli.chat import run_chat

        return asyncio.run(run_chat(settings, sys.stdin, sys.stdout, use_spotify=args.spotify))
    from bot.cli.run import run_discord

    return run_discord(settings, sync=args.sync)


if __name__ == "__main__":
    raise SystemExit(main())
