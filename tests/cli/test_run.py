"""`python -m bot run` and `python -m bot invite`: one clear sentence instead of a traceback when Discord refuses
the token or the intents or cannot be reached; the invite links carry the exact permissions."""

from __future__ import annotations

import io
import socket
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr

from bot.cli.invite import BOT_PERMISSIONS, application_id_from_token, invite_text
from bot.cli.run import run_bot, run_discord
from bot.config import Settings
from tests.fakes.discord import FakeDiscord, point_discord_py


def settings_for(tmp_path: Path, token: str, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, discord_token=SecretStr(token), web_port=0, **values)  # type: ignore[call-arg]


async def test_a_refused_token_is_one_sentence(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        err = io.StringIO()
        with point_discord_py(fake):
            code = await run_bot(
                settings_for(tmp_path, "not-the-token"), sync=False, start_web=False, err=err
            )
    assert code == 1 and err.getvalue().count("\n") == 1
    assert "Discord refused DISCORD_TOKEN" in err.getvalue() and "not-the-token" not in err.getvalue()


async def test_a_refused_intent_is_one_sentence(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:  # the message-content intent is not enabled for this app
        err = io.StringIO()
        settings = settings_for(tmp_path, fake.token, message_content_intent=True)
        with point_discord_py(fake):
            code = await run_bot(settings, sync=False, start_web=False, err=err)
    assert code == 1 and "Message Content intent" in err.getvalue() and err.getvalue().count("\n") == 1


async def test_an_unreachable_discord_is_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once closed

    class Closed:
        api_base = f"http://127.0.0.1:{port}/api/v10"
        gateway_url = f"ws://127.0.0.1:{port}/gateway"

    err = io.StringIO()
    with point_discord_py(Closed()):  # type: ignore[arg-type]
        code = await run_bot(settings_for(tmp_path, "x.y.z"), sync=False, start_web=False, err=err)
    assert (
        code == 1
        and err.getvalue().startswith("Could not reach Discord (")
        and err.getvalue().count("\n") == 1
    )


def test_an_empty_token_in_env_is_no_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=\n")
    settings = Settings(_env_file=env, data_dir=tmp_path)  # type: ignore[call-arg]
    assert settings.discord_token is None
    assert run_discord(settings, sync=False) == 2
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err


def test_shard_ids_without_a_shard_count_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path, "x.y.z", shard_ids=[0, 1])
    assert run_discord(settings, sync=False) == 2
    assert "SHARD_COUNT" in capsys.readouterr().err


def test_invite_prints_the_exact_permissions(tmp_path: Path) -> None:
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
    assert application_id_from_token(token) == 123456789012345678 * 10 + 9
    code, text = invite_text(settings_for(tmp_path, token))
    assert code == 0
    guild_url = next(line for line in text.splitlines() if "integration_type=0" in line)
    query = parse_qs(urlsplit(guild_url).query)
    assert query["client_id"] == ["1234567890123456789"]
    assert query["permissions"] == [str(BOT_PERMISSIONS.value)] == ["274877991936"]
    assert query["scope"] == ["bot applications.commands"]
    assert "integration_type=1" in text
    readme = Path(__file__).resolve().parents[2] / "README.md"
    assert "274877991936" in readme.read_text()
    code, text = invite_text(Settings(_env_file=None, data_dir=tmp_path))  # type: ignore[call-arg]
    assert code == 2 and "DISCORD_TOKEN" in text
