"""`chat --spotify`: linking a real account from the terminal, against the fake Spotify accounts service.

The browser is an aiohttp client; stdin is a pipe (as in `printf … | chat --spotify`) or a pipe that claims to
be a terminal (a person pasting the address).
"""

from __future__ import annotations

import asyncio
import html
import io
import os
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import aiohttp

from bot.cli.chat import run_chat
from bot.config import Settings
from bot.demo.spotify_server import FakeSpotify

CLIENT_ID = "0123456789abcdef0123456789abcdef"


class TerminalPipe(io.TextIOWrapper):
    """The read end of a pipe that says it is a terminal, as stdin is when a person types."""

    def isatty(self) -> bool:
        return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Link:
    fake: FakeSpotify
    out: io.StringIO
    feed: TextIO
    chat: asyncio.Task[int]

    async def printed(self, text: str) -> None:
        for _ in range(200):  # 10 s
            if text in self.out.getvalue():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{text!r} never printed; got:\n{self.out.getvalue()}")

    async def authorize_url(self) -> str:
        await self.printed(self.fake.accounts_base)
        return next(w for w in self.out.getvalue().split() if w.startswith(self.fake.accounts_base))

    async def finish(self) -> int:
        self.feed.close()
        return await asyncio.wait_for(self.chat, 30)


@contextmanager
def stdin_pipe(*, terminal: bool) -> Iterator[tuple[TextIO, TextIO]]:
    read_fd, write_fd = os.pipe()
    inp: TextIO = (
        TerminalPipe(io.BufferedReader(io.FileIO(read_fd, "r")), encoding="utf-8")
        if terminal
        else os.fdopen(read_fd, encoding="utf-8")
    )
    feed = os.fdopen(write_fd, "w", encoding="utf-8")
    try:
        yield inp, feed
    finally:
        for f in (feed, inp):
            if not f.closed:
                f.close()


@asynccontextmanager
async def terminal_link(tmp_path: Path, *, terminal: bool = False, lang: str = "en") -> AsyncIterator[Link]:
    port = free_port()
    redirect = f"http://127.0.0.1:{port}/callback"
    async with FakeSpotify() as fake:
        fake.register_client(CLIENT_ID, [redirect])
        fake.add_user("carol", display_name="Carol")
        config = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=tmp_path,
            default_language=lang,
            spotify_client_id=CLIENT_ID,
            spotify_redirect_uri=redirect,
            web_port=port,
            spotify_accounts_base=fake.accounts_base,
            spotify_api_base=fake.api_base,
        )
        out = io.StringIO()
        with stdin_pipe(terminal=terminal) as (inp, feed):
            chat = asyncio.create_task(run_chat(config, inp, out, use_spotify=True))
            link = Link(fake, out, feed, chat)
            try:
                yield link
            finally:
                if not chat.done():
                    feed.close()
                    await asyncio.wait_for(chat, 30)


async def test_approve_says_linked_as_pages_speak_of_the_terminal_and_piped_lines_are_commands(
    tmp_path: Path,
) -> None:
    async with terminal_link(tmp_path) as link:
        link.feed.write("volume 30\n")  # piped before the browser answers: a command, not a pasted URL
        link.feed.flush()
        link.fake.queue_authorization("carol")
        async with aiohttp.ClientSession() as browser:
            async with browser.get(await link.authorize_url()) as page:
                body = await page.text()
                callback = str(page.url)
            assert page.status == 200
            assert "Linked as Carol." in body
            assert "go back to the terminal" in body
            assert "Discord" not in body and "/spotify link" not in body
            await link.printed("Linked as Carol.")
            # Reopening the page after success: still served, and it says what to do.
            async with browser.get(callback) as again:
                reopened = html.unescape(await again.text())
            assert again.status == 400
            assert 'If the terminal said "Linked as …", you are done' in reopened
            assert "Discord" not in reopened
        assert await link.finish() == 0
    text = link.out.getvalue()
    assert "Volume set to 30%" in text
    assert link.fake.player("carol").volume == 30
    assert "paste" not in text  # piped stdin: no invitation to paste


async def test_deny_is_reported_at_once_in_the_terminal_and_the_page(tmp_path: Path) -> None:
    async with terminal_link(tmp_path, lang="es") as link:
        link.fake.queue_authorization(deny=True)
        async with aiohttp.ClientSession() as browser, browser.get(await link.authorize_url()) as page:
            body = await page.text()
        assert "Rechazaste la autorización de Spotify" in body
        assert "volver a la terminal" in body and "Discord" not in body
        assert await asyncio.wait_for(link.chat, 5) == 1  # not after the 5-minute wait
    assert (
        "Rechazaste la autorización de Spotify, así que no se vinculó nada. "
        "Ejecuta .venv/bin/python -m bot chat --spotify para volver a intentarlo."
    ) in link.out.getvalue()


async def test_a_person_pastes_the_address_the_browser_could_not_load(tmp_path: Path) -> None:
    async with terminal_link(tmp_path, terminal=True) as link:
        link.fake.queue_authorization("carol")
        await link.printed("paste it here")
        async with (
            aiohttp.ClientSession() as browser,
            browser.get(await link.authorize_url(), allow_redirects=False) as page,
        ):
            redirected = page.headers["Location"]  # the page that "fails to load" in a real browser
        link.feed.write("hello?\n")
        link.feed.flush()
        await link.printed("If the page after approving does not load")
        link.feed.write(redirected + "\n")
        link.feed.flush()
        await link.printed("Linked as Carol.")
        link.feed.write("volume 40\n")
        assert await link.finish() == 0
    assert "Volume set to 40%" in link.out.getvalue()


async def test_an_already_linked_terminal_says_as_whom(tmp_path: Path) -> None:
    async with terminal_link(tmp_path) as link:
        link.fake.queue_authorization("carol")
        async with aiohttp.ClientSession() as browser, browser.get(await link.authorize_url()):
            pass
        assert await link.finish() == 0
    async with terminal_link(tmp_path) as again:
        await again.printed("Linked as Carol.")
        assert await again.finish() == 0
    assert "http" not in again.out.getvalue()  # no new link needed
