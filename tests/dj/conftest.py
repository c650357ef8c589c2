"""The DJ tests use the real services of the Discord-surface tests (fake Spotify + fake LLM)."""

from tests.cogs.conftest import guild_linked, llm, services, settings  # noqa: F401
