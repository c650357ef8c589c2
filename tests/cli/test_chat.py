"""The terminal chat: stdin lines through the real pipeline to the demo player, replies on stdout."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.cli.chat import run_chat
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def settings(tmp_path: Path, **over: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **over)  # type: ignore[call-arg]


async def test_scripted_session_plays_sets_volume_and_reports(tmp_path: Path) -> None:
    out = io.StringIO()
    inp = io.StringIO("play daft punk\nvolume 30\n\nwhat is playing\nqué suena\n")
    code = await run_chat(settings(tmp_path), inp, out)
    text = out.getvalue()
    assert code == 0
    assert "[demo player]" in text
    assert "only the local command parser is active" in text
    assert "Playing songs by Daft Punk" in text
    assert "Volume set to 30%" in text
    assert "volume 30%" in text  # the now-playing block
    assert "Suena " in text  # the Spanish question gets a Spanish answer
    assert "**" not in text  # no Discord markdown in a terminal


async def test_unknown_text_and_bad_input_get_a_sentence_not_a_crash(tmp_path: Path) -> None:
    out = io.StringIO()
    inp = io.StringIO("\x00\x1b[31m\nblorp florp\n" + "x" * 5000 + "\n")
    assert await run_chat(settings(tmp_path), inp, out) == 0
    assert (
        out.getvalue().count("isn't one of the simple commands") == 3
    )  # one sentence per line, no traceback
    assert "Traceback" not in out.getvalue()


def test_python_m_bot_without_token_falls_back_to_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="volume 30\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "Volume set to 30%" in done.stdout


def test_run_without_token_exits_at_once_with_a_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "DISCORD_TOKEN is not set" in done.stderr


async def test_spotify_flag_without_client_id_explains_what_to_set(tmp_path: Path) -> None:
    out = io.StringIO()
    code = await run_chat(settings(tmp_path), io.StringIO(""), out, use_spotify=True)
    assert code == 1
    assert "SPOTIFY_CLIENT_ID" in out.getvalue()


async def test_spotify_flag_links_through_the_browser_callback_then_controls_that_account(
    tmp_path: Path,
) -> None:
    """`chat --spotify`: the browser (simulated with aiohttp) approves, the callback links, commands act."""
    import asyncio
    import socket

    import aiohttp

    from bot.demo.spotify_server import FakeSpotify

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client_id = "0123456789abcdef0123456789abcdef"
    redirect = f"http://127.0.0.1:{port}/callback"
    async with FakeSpotify() as fake:
        fake.register_client(client_id, [redirect])
        fake.add_user("carol", display_name="Carol")
        fake.queue_authorization("carol")
        config = settings(
            tmp_path,
            spotify_client_id=client_id,
            spotify_redirect_uri=redirect,
            web_port=port,
            spotify_accounts_base=fake.accounts_base,
            spotify_api_base=fake.api_base,
        )
        read_fd, write_fd = os.pipe()
        out = io.StringIO()
        with os.fdopen(read_fd) as inp, os.fdopen(write_fd, "w") as feed:
            chat = asyncio.create_task(run_chat(config, inp, out, use_spotify=True))
            for _ in range(200):
                if "http" in out.getvalue():
                    break
                await asyncio.sleep(0.05)
            url = next(w for w in out.getvalue().split() if w.startswith(fake.accounts_base))
            async with aiohttp.ClientSession() as browser, browser.get(url) as page:
                assert page.status == 200
                assert "linked" in (await page.text()).lower()
            for _ in range(100):
                if "Spotify bot terminal chat" in out.getvalue():
                    break
                await asyncio.sleep(0.05)
            feed.write("volume 30\n")
            feed.close()
            assert await asyncio.wait_for(chat, 30) == 0
    assert "[demo player]" not in out.getvalue()
    assert "Volume set to 30%" in out.getvalue()
    assert fake.player("carol").volume == 30
