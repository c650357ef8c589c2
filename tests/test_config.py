"""Settings come from the environment and .env, with secrets hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.discord_token is None
    assert settings.groq_models == ["openai/gpt-oss-20b", "openai/gpt-oss-120b"]
    assert settings.llm_deadline_s == 2.5
    assert settings.spotify_redirect_uri == "http://127.0.0.1:8888/callback"
    assert not settings.has_llm


def test_lists_read_as_comma_separated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROQ_MODELS", "openai/gpt-oss-120b, qwen/qwen3-32b")
    monkeypatch.setenv("OWNER_IDS", "1,2")
    settings = Settings()
    assert settings.groq_models == ["openai/gpt-oss-120b", "qwen/qwen3-32b"]
    assert settings.owner_ids == [1, 2]


def test_dotenv_is_read_and_secrets_are_masked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("GROQ_API_KEY=gsk_supersecret\nDISCORD_TOKEN=abc.def.ghi\n")
    settings = Settings()
    assert settings.has_llm
    assert settings.groq_api_key is not None
    assert settings.groq_api_key.get_secret_value() == "gsk_supersecret"
    assert "gsk_supersecret" not in repr(settings)
    assert "abc.def.ghi" not in str(settings)


def test_a_blank_llm_key_is_not_configured() -> None:
    settings = Settings(_env_file=None, groq_api_key="  ", openrouter_api_key="")  # type: ignore[call-arg]
    assert settings.groq_api_key is None and settings.openrouter_api_key is None
    assert not settings.has_llm
