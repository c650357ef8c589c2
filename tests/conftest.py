"""Fixtures shared by the whole suite: the loopback fake LLM server and its settings."""

pytest_plugins = ["tests.fakes.llm_fixtures"]
