"""A loopback fake of the Spotify Web API and accounts service (tests, benchmarks, the terminal demo player)."""

from bot.demo.player import PlayerState
from bot.demo.spotify_server import FakeSpotify, RecordedRequest, start_demo

__all__ = ["FakeSpotify", "PlayerState", "RecordedRequest", "start_demo"]
