"""Settings, read from the environment and an optional `.env` file. Built once in `main()`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Every setting the bot reads. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Discord
    discord_token: SecretStr | None = None
    discord_application_id: int | None = None  # only for `python -m bot invite` without a token
    owner_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    shard_count: int | None = None
    shard_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    message_content_intent: bool = False
    default_language: Literal["en", "es"] = "en"
    cooldown_commands: int = 5
    cooldown_seconds: float = 10.0
    # Buttons under recommendations stay usable this long (below Discord's 15-minute interaction token, so
    # the bot can still disable them); the device menu too.
    recommend_buttons_ttl_s: float = Field(default=14 * 60.0, gt=0, le=14 * 60.0)
    device_menu_ttl_s: float = Field(default=300.0, gt=0, le=14 * 60.0)

    # LLM: Groq first, then OpenRouter, then local rules
    groq_api_key: SecretStr | None = None
    groq_base_url: str = "https://api.groq.com"
    groq_models: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["openai/gpt-oss-20b", "openai/gpt-oss-120b"]
    )
    # Client-side budgets per Groq model (Groq's 2026 free tier for gpt-oss-20b/120b); 0 = no cap.
    # Corrected at run time from Groq's x-ratelimit-* headers; the day's counts survive a restart.
    groq_rpm: int = 30
    groq_tpm: int = 8_000
    groq_rpd: int = 1_000
    groq_tpd: int = 200_000
    openrouter_api_key: SecretStr | None = None
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    openrouter_models: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["openai/gpt-oss-20b:free", "meta-llama/llama-3.3-70b-instruct:free"]
    )
    # OpenRouter's `:free` limits are per account: 20 requests/min, 50/day (1,000/day after $10 of credit).
    openrouter_rpm: int = 20
    openrouter_rpd: int = 50
    openrouter_referer: str = "https://github.com/spotify-discord-bot/spotify-discord-bot"
    openrouter_title: str = "Spotify Discord Bot"
    llm_deadline_s: float = 2.5
    llm_request_timeout_s: float = 2.0
    llm_strict_command_schema: bool = False
    temperature_command: float = 0.7
    temperature_recommend: float = 0.9
    # Plans the LLM made, reused for the same words in the same language (any guild) without a model call.
    plan_cache_size: int = 2_048
    plan_cache_ttl_s: float = 6 * 3600.0

    # Spotify
    spotify_client_id: str | None = None
    spotify_client_secret: SecretStr | None = None
    spotify_redirect_uri: str = "http://127.0.0.1:8888/callback"
    spotify_api_base: str = "https://api.spotify.com/v1/"
    spotify_accounts_base: str = "https://accounts.spotify.com"
    spotify_timeout_s: float = 10.0
    session_idle_s: float = 900.0

    # OAuth callback web server
    web_host: str = "127.0.0.1"
    web_port: int = 8888
    public_base_url: str | None = None

    # Storage: SQLite in DATA_DIR (one process), or PostgreSQL when DATABASE_URL=postgresql://... (several)
    data_dir: Path = Path("data")
    token_encryption_key: SecretStr | None = None
    database_url: SecretStr | None = None
    database_pool_size: int = 10

    log_level: str = "INFO"

    @field_validator("groq_api_key", "openrouter_api_key", mode="before")
    @classmethod
    def _blank_key_is_unset(cls, value: object) -> object:
        """`GROQ_API_KEY=` (empty) means "not configured", not a key that every request would send."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        """`DISCORD_TOKEN=` in .env means no token, not an empty one."""
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, SecretStr) and not value.get_secret_value().strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("owner_ids", "shard_ids", "groq_models", "openrouter_models", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "bot.sqlite3"

    @property
    def uses_postgres(self) -> bool:
        url = self.database_url.get_secret_value() if self.database_url is not None else ""
        return url.startswith(("postgresql://", "postgres://"))

    @property
    def lock_file_path(self) -> Path:
        return self.data_dir / "bot.lock"

    @property
    def key_file_path(self) -> Path:
        return self.data_dir / "token.key"

    @property
    def has_llm(self) -> bool:
        return self.groq_api_key is not None or self.openrouter_api_key is not None
