"""Issue 12 item 10: at LOG_LEVEL=DEBUG, through the real logging set-up, no OAuth state, code, verifier or
token reaches the log while a user links Spotify and their token is refreshed."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.__main__ import configure_logging
from bot.config import Settings
from tests.spotify.test_oauth import ALICE, GUILD, Env, running_env


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    async with running_env(tmp_path) as environment:
        yield environment


@pytest.fixture
def debug_logging(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The bot's own logging set-up at LOG_LEVEL=DEBUG; what it writes to stderr is returned."""
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    for name in ("aiosqlite",):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.NOTSET)
    configure_logging(Settings(_env_file=None, log_level="DEBUG"), quiet=False)  # type: ignore[call-arg]
    return stderr


async def test_linking_and_refreshing_at_debug_logs_no_secret(env: Env, debug_logging: io.StringIO) -> None:
    env.fake.queue_authorization("alice")
    authorize = await env.links.start_link(ALICE, GUILD, "en")
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    callback = await env.redirected_url(authorize)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    async with aiohttp.ClientSession() as http, http.get(callback) as resp:
        assert resp.status == 200
    env.clock.now += 3600
    await env.links.access_token(ALICE)
    linked = await env.links.status(ALICE)
    assert linked is not None and linked.token.refresh_token

    log = debug_logging.getvalue()
    assert logging.getLogger().level == logging.DEBUG
    assert "linked Spotify" in log  # it did log...
    for secret in (state, code, linked.token.access_token, linked.token.refresh_token):
        assert secret not in log  # ...but no secret
