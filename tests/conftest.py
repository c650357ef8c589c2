"""Fixtures shared by the whole suite: the loopback fake LLM server, the fake Spotify Web API, PostgreSQL."""

pytest_plugins = [
    "tests.fakes.llm_fixtures",
    "tests.fakes.spotify",
    "tests.storage.postgres_server",
    "tests.fakes.discord.fixtures",
]
