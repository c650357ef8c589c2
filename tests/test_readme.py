"""Every command the README shows is run here exactly as written (or, for the slow ones, by .ci/run).

A command added to the README without an entry in EXPECTED fails `test_every_readme_command_is_covered`.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
CI_RUN = ROOT / ".ci" / "run"


@dataclass(frozen=True)
class Expect:
    """What running a README command must give: exit code, text in its output, what to type on stdin."""

    code: int = 0
    shows: tuple[str, ...] = ()
    stdin: str = ""
    env: tuple[tuple[str, str], ...] = ()  # settings a user would have (never a secret)
    how: str = "run"  # run | serve (a server: started, asked /healthz, stopped) | ci (run by .ci/run)
    # | args (slow: its arguments go through the real parser) | template (a line to fill in: "…" placeholders)


EXPECTED: dict[str, Expect] = {
    "make run": Expect(shows=("[demo player]",)),
    "make test": Expect(how="ci"),
    "printf 'play daft punk\\nvolume 30\\nwhat is playing\\n' | make run": Expect(
        shows=("Playing songs by Daft Punk", "Volume set to 30%", "volume 30%")
    ),
    ".venv/bin/python -m bot chat": Expect(stdin="hi\n", shows=("[demo player]", "Hi!")),
    ".venv/bin/python -m bot chat --spotify": Expect(code=1, shows=("SPOTIFY_CLIENT_ID",)),
    ".venv/bin/python -m bot run": Expect(code=2, shows=("DISCORD_TOKEN is not set",)),
    ".venv/bin/python -m bot run --sync": Expect(code=2, shows=("DISCORD_TOKEN is not set",)),
    '.venv/bin/python -m bot parse --offline "play daft punk and turn it up"': Expect(
        shows=('"action": "play"', '"action": "volume"')
    ),
    ".venv/bin/python -m bot commands": Expect(shows=('"name": "play"',)),
    ".venv/bin/python -m bot invite": Expect(
        env=(("DISCORD_APPLICATION_ID", "123456789012345678"),),
        shows=("https://discord.com/oauth2/authorize?client_id=123456789012345678",),
    ),
    ".venv/bin/python -m benchmarks --quick": Expect(how="args"),
    ".venv/bin/python -m benchmarks": Expect(how="args"),
    ".venv/bin/python -m benchmarks --json": Expect(how="args"),
    ".venv/bin/python -m benchmarks.llm_budget 100": Expect(shows=('"commands": 100',)),
    '.venv/bin/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"': Expect(
        shows=("=",)
    ),
    "make lint": Expect(how="ci"),
    ".venv/bin/python -m bot web": Expect(how="serve"),
    ".venv/bin/python -m bot run --shards 0-3 --shard-count 8": Expect(
        code=2, shows=("DISCORD_TOKEN is not set",)
    ),
    # "Several processes": the same commands run in the background, after an export to fill in.
    "export DATABASE_URL=postgresql://bot:secret@127.0.0.1:5432/bot TOKEN_ENCRYPTION_KEY=…": Expect(
        how="template"
    ),
    ".venv/bin/python -m bot web &": Expect(how="serve"),
    ".venv/bin/python -m bot run --shards 0-3 --shard-count 8 &": Expect(
        code=2, shows=("DISCORD_TOKEN is not set",)
    ),
    ".venv/bin/python -m bot run --shards 4-7 --shard-count 8 &": Expect(
        code=2, shows=("DISCORD_TOKEN is not set",)
    ),
}

_FENCE_RE = re.compile(r"```(\w*)\n(.*?)```", re.S)
_INLINE_CMD_RE = re.compile(r"`((?:\.venv/bin/python|make) [^`]*)`")
_BARE_PYTHON_RE = re.compile(r"`(python3? -[mc] [^`]*)`")
# The only bare `python …` a reader may see: the failing form, and the form that works after activating .venv.
BARE_PYTHON_ALLOWED = {"python -m bot …", "python -m bot chat"}


def readme_commands(text: str) -> list[str]:
    """Shell commands shown in README.md: fenced `bash` lines, `$ ` lines of `text` blocks, and inline
    `.venv/bin/python …` / `make …` spans (the entry-point table and the prose)."""
    found: list[str] = []
    for lang, body in _FENCE_RE.findall(text):
        for line in body.splitlines():
            if lang == "bash" and line.strip():
                found.append(line.split("  #")[0].strip())
            elif lang == "text" and line.startswith("$ "):
                found.append(line[2:].strip())
    prose = _FENCE_RE.sub("", text)
    found.extend(_INLINE_CMD_RE.findall(prose))
    return found


def test_every_readme_command_is_covered() -> None:
    shown = readme_commands(README.read_text(encoding="utf-8"))
    assert shown, "no commands found in README.md"
    assert sorted(set(shown)) == sorted(EXPECTED)


def test_no_bare_python_command_that_would_fail_outside_the_venv() -> None:
    text = _FENCE_RE.sub("", README.read_text(encoding="utf-8"))
    assert set(_BARE_PYTHON_RE.findall(text)) <= BARE_PYTHON_ALLOWED
    fenced = "".join(body for _, body in _FENCE_RE.findall(README.read_text(encoding="utf-8")))
    assert not re.search(r"^(?:\$ )?python3? ", fenced, re.M)


def test_activating_the_venv_makes_the_plain_form_work(tmp_path: Path) -> None:
    """The README says `source .venv/bin/activate` makes `python -m bot chat` work."""
    if not VENV_PYTHON.exists():
        pytest.skip("no .venv beside the checkout (run through `make test`)")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / ".venv").symlink_to(ROOT / ".venv")
    done = subprocess.run(
        ["bash", "-c", "source .venv/bin/activate && python -m bot chat"],
        input="volume 30\n",
        capture_output=True,
        text=True,
        timeout=90,
        cwd=cwd,
        env=_clean_env(tmp_path / "data"),
    )
    assert done.returncode == 0, done.stderr
    assert "Volume set to 30%" in done.stdout


def _clean_env(data_dir: Path) -> dict[str, str]:
    secrets = ("DISCORD_TOKEN", "SPOTIFY_CLIENT_ID", "GROQ_API_KEY", "OPENROUTER_API_KEY", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k.upper() not in secrets}
    env["DATA_DIR"] = str(data_dir)
    env.pop("PYTHONPATH", None)  # the README's commands work without it
    return env


@pytest.mark.parametrize("command", [c for c, e in EXPECTED.items() if e.how == "run"])
def test_readme_command_runs_as_written(command: str, tmp_path: Path) -> None:
    expect = EXPECTED[command]
    if not VENV_PYTHON.exists():
        pytest.skip("no .venv beside the checkout (run through `make test`)")
    if command.endswith("make run") or command == "make run":
        if (ROOT / ".env").exists():
            pytest.skip("a .env in the checkout would configure `make run`")
        cwd = ROOT
    else:
        cwd = tmp_path / "cwd"  # no .env here; `.venv` is the checkout's
        cwd.mkdir()
        (cwd / ".venv").symlink_to(ROOT / ".venv")
    done = subprocess.run(
        ["bash", "-c", command.removesuffix(" &")],  # in the foreground, to see how it ends
        input=expect.stdin,
        capture_output=True,
        text=True,
        timeout=90,
        cwd=cwd,
        env={**_clean_env(tmp_path / "data"), **dict(expect.env)},
    )
    output = done.stdout + done.stderr
    assert done.returncode == expect.code, output
    for text in expect.shows:
        assert text in output
    assert "Traceback" not in output


@pytest.mark.parametrize("command", [c for c, e in EXPECTED.items() if e.how == "serve"])
def test_readme_server_command_serves(command: str, tmp_path: Path) -> None:
    """`bot web` runs until stopped: it must come up on WEB_PORT and answer /healthz."""
    if not VENV_PYTHON.exists():
        pytest.skip("no .venv beside the checkout (run through `make test`)")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    (cwd / ".venv").symlink_to(ROOT / ".venv")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**_clean_env(tmp_path / "data"), "WEB_PORT": str(port)}
    server = subprocess.Popen(
        ["bash", "-c", f"exec {command.removesuffix(' &')}"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    body = answer.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert body == "ok", server.poll()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Traceback" not in output


def test_readme_templates_are_marked_as_such() -> None:
    for command, expect in EXPECTED.items():
        if expect.how == "template":
            assert command.startswith("export ") and "…" in command


@pytest.mark.parametrize("command", [c for c, e in EXPECTED.items() if e.how == "ci"])
def test_readme_command_is_what_ci_runs(command: str) -> None:
    """`make test` is .ci/run's first line; `make lint` runs exactly the lint commands .ci/run runs."""
    if not CI_RUN.exists():
        pytest.skip(".ci/run is not in this checkout")
    ci_lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    if command == "make test":
        assert "make test" in ci_lines
        return
    dry = subprocess.run(
        ["make", "-n", command.split()[1]], capture_output=True, text=True, timeout=30, cwd=ROOT
    )
    recipe = [line.strip() for line in dry.stdout.splitlines() if "ruff" in line or "mypy" in line]
    assert recipe, dry.stdout + dry.stderr
    assert all(line in ci_lines for line in recipe), (recipe, ci_lines)


@pytest.mark.parametrize("command", [c for c, e in EXPECTED.items() if e.how == "args"])
def test_readme_benchmark_command_is_accepted(command: str) -> None:
    """A full benchmark run takes minutes: its arguments go through the real argument parser instead."""
    from benchmarks.__main__ import config_from_args, parse_args

    argv = shlex.split(command)[3:]
    config_from_args(parse_args(argv))
