"""`python -m tests.multiprocess.discord_worker API_BASE GATEWAY_URL ARGS...`: `python -m bot ARGS...` with
discord.py pointed at a fake Discord (what `tests.fakes.discord.harness.point_discord_py` does in-process)."""

from __future__ import annotations

import sys

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.__main__ import main

if __name__ == "__main__":
    Route.BASE = sys.argv[1]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
    raise SystemExit(main(sys.argv[3:]))
