"""Fixtures shared by the whole suite: the loopback fake LLM server and the fake Spotify Web API."""

pytest_plugins = ["tests.fakes.llm_fixtures", "tests.fakes.spotify", "tests.fakes.discord.fixtures"]
