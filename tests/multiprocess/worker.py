"""A bot worker process for the multi-process tests: the real services (`build_services`) without Discord.

Configured like the bot, from the environment (DATABASE_URL, SPOTIFY_API_BASE, ...). It reads JSON lines on stdin
and answers each with one JSON line on stdout, running requests concurrently as a worker serving many guilds does:
  {"id": 1, "op": "text", "user": 5, "guild": 9, "text": "volume 30"} -> {"id": 1, "ok": true, "messages": [...]}
  {"id": 2, "op": "link", "user": 5, "guild": 9} -> {"id": 2, "url": "<Spotify authorize URL>"}
  {"id": 3, "op": "unlink", "user": 5} -> {"id": 3, "removed": true}
The cogs put the same `Context` together from a Discord interaction; the Discord side has its own tests.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from bot.app import build_services
from bot.config import Settings
from bot.nlu.plan import Context


async def serve() -> None:
    services = await build_services(Settings())
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    pending: set[asyncio.Task[None]] = set()

    def answer(payload: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(payload) + "\n")
        sys.stdout.flush()

    async def handle(request: dict[str, Any]) -> None:
        started = time.perf_counter()
        reply: dict[str, Any] = {"id": request["id"]}
        op = request["op"]
        if op == "text":
            ctx = Context(user_id=request["user"], guild_id=request.get("guild"), channel_id=1, locale="en")
            response = await services.assistant.handle_text(request["text"], ctx)
            reply.update(ok=response.ok, messages=response.messages())
        elif op == "link":
            assert services.links is not None
            reply["url"] = await services.links.start_link(request["user"], request.get("guild"), "en")
        elif op == "unlink":
            assert services.links is not None
            reply["removed"] = await services.links.unlink(request["user"])
        reply["ms"] = (time.perf_counter() - started) * 1000
        answer(reply)

    answer({"ready": True})
    try:
        while line := await reader.readline():
            task = asyncio.create_task(handle(json.loads(line)))
            pending.add(task)
            task.add_done_callback(pending.discard)
        if pending:
            await asyncio.gather(*pending)
    finally:
        await services.aclose()


if __name__ == "__main__":
    asyncio.run(serve())
