from tests.fakes.llm_fixtures import llm_server, llm_settings

__all__ = ["llm_server", "llm_settings"]
