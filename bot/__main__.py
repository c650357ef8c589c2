"""Command line: `python -m bot [run|web|chat|parse|commands]`.

With no sub-command it starts the Discord bot when DISCORD_TOKEN is set, else the terminal chat.
Several processes (DATABASE_URL=postgresql://...): one `web`, and workers `run --shards 0-3 --shard-count 8`.
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
    run.add_argument(
        "--shards", type=parse_shard_range, help="the shard ids this process runs, e.g. 0-3 or 0,2,4"
    )
    run.add_argument("--shard-count", type=int, help="the total number of shards over all processes")
    run.add_argument(
        "--no-web", action="store_true", help="no OAuth callback server here (implied by --shards)"
    )
    sub.add_parser("web", help="serve only the OAuth callback (the web role of a multi-process setup)")
    chat = sub.add_parser("chat", help="talk to the bot in the terminal (demo player unless --spotify)")
    chat.add_argument(
        "--spotify", action="store_true", help="link a real Spotify account through the browser"
    )
    parse = sub.add_parser("parse", help="print the intent of each utterance as JSON lines")
    parse.add_argument("--offline", action="store_true", help="local parser only, no network")
    parse.add_argument("texts", nargs="*", help="utterances (default: one per line from stdin)")
    sub.add_parser("commands", help="print the slash-command tree as JSON")
    sub.add_parser("invite", help="print the links that add the bot to a server or install it for a user")
    return parser


def parse_shard_range(text: str) -> list[int]:
    """'0-3' -> [0, 1, 2, 3]; '0,2,5-6' -> [0, 2, 5, 6]."""
    ids: list[int] = []
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            ids.extend(range(int(low), int(high or low) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a shard range: {text!r} (try 0-3 or 0,2,4)") from None
    if not ids or min(ids) < 0:
        raise argparse.ArgumentTypeError(f"not a shard range: {text!r} (try 0-3 or 0,2,4)")
    return sorted(set(ids))


def configure_logging(settings: Settings, *, quiet: bool) -> None:
    level = logging.WARNING if quiet else getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from bot import logsafety

    logsafety.install()  # no secrets in the log at any level


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
    configure_logging(settings, quiet=command in {"chat", "parse", "commands", "invite"})

    if command == "parse":
        from bot.cli.parse import run_parse

        texts = list(args.texts) or None
        return asyncio.run(run_parse(settings, texts, args.offline, sys.stdout, sys.stdin))
    if command == "commands":
        from bot.cli.commands import print_command_tree

        print_command_tree(sys.stdout)
        return 0
    if command == "invite":
        from bot.cli.invite import invite_text

        code, text = invite_text(settings)
        print(text, file=sys.stdout if code == 0 else sys.stderr)
        return code
    if command == "chat":
        from bot.cli.chat import run_chat

        return asyncio.run(run_chat(settings, sys.stdin, sys.stdout, use_spotify=args.spotify))
    if command == "web":
        from bot.cli.web import run_web

        return asyncio.run(run_web(settings))
    from bot.cli.run import run_discord

    if args.shards is not None or args.shard_count is not None:
        shard_count = args.shard_count if args.shard_count is not None else settings.shard_count
        shards = args.shards if args.shards is not None else list(settings.shard_ids)
        if shard_count is None or any(shard >= shard_count for shard in shards):
            from bot.i18n import t

            print(t("cli.shard_count_needed", settings.default_language), file=sys.stderr)
            return 2
        settings = settings.model_copy(update={"shard_count": shard_count, "shard_ids": shards})
    start_web = not (args.no_web or args.shards is not None)
    return run_discord(settings, sync=args.sync, start_web=start_web)


if __name__ == "__main__":
    raise SystemExit(main())
