"""A fake Spotify Web API + accounts service on a loopback aiohttp server, for tests, benchmarks and the demo player.

Interface (stable; other modules and tests depend on it):

    fake = FakeSpotify(latency_s=0.0, jitter_s=0.0, seed=0, include_deprecated=False, token_ttl_s=3600)
    base = await fake.start(host="127.0.0.1", port=0)   # "http://127.0.0.1:PORT"
    fake.api_base        # base + "/v1/"   (spotipy: sp.prefix = fake.api_base)
    fake.accounts_base   # base            (serves /authorize and /api/token like accounts.spotify.com)
    token = fake.add_user("alice", display_name="Alice", premium=True, devices=None)  # a valid access token
    fake.player("alice") -> PlayerState  # .is_playing .item .context_uri .progress_ms .volume .shuffle .repeat
                                         # .queue (uris) .upcoming .device/.active_device .devices .history
    fake.fail_next("/v1/me/player/play", 429, retry_after=5, times=1)   # also 5xx, 403 + reason, ...
    fake.drop_next("/v1/search")         # close the connection without answering
    fake.requests                        # list[RecordedRequest]: method, path, query, json, form, user_id
    fake.catalog                         # the Catalog (track_by_title, album_by_name, artist_by_name, ...)
    fake.advance_clock(seconds)          # let playback time pass without sleeping
    fake.expire_token(token); fake.set_devices(user, devices); fake.set_active_device(user, device_id | None)
    OAuth: fake.register_client(client_id, redirect_uris, client_secret=None)
           fake.queue_authorization(user_id | None, deny=False)  # who approves the next /authorize
           fake.invalidate_refresh_token(token=None, *, user_id=None)  # next refresh -> 400 invalid_grant
           fake.accounts.refresh_rotation = "auto" | "always" | "never"
    await start_demo() -> FakeSpotify    # one user "demo" with 3 devices ("Demo Speaker" active)

Behaviour follows the 2026 Web API for development-mode apps: search limit 1..10 (else 400), library saves on
PUT/DELETE /me/library?uris=..., playlists via POST /me/playlists and /playlists/{id}/items; removed endpoints
(several-ids GETs, top-tracks, recommendations, /playlists/{id}/tracks, /me/tracks PUT...) answer 404 "Service
not found". /v1/me has no `product`/`country`/`email` (deprecated): premium shows only as 403 PREMIUM_REQUIRED on
player commands. Player commands need an active device (404 NO_ACTIVE_DEVICE) unless they name a `device_id`.
GET /me/player and /me/player/currently-playing answer 204 with no body when nothing is loaded.
"""

from __future__ import annotations

from typing import Any

from bot.demo.api_accounts import AccountsApi
from bot.demo.api_library import LibraryApi
from bot.demo.api_player import PlayerApi
from bot.demo.api_search import SearchApi
from bot.demo.server_core import (
    ALL_SCOPES,
    ApiError,
    Fault,
    RecordedRequest,
    Route,
    UserState,
    no_active_device,
    restriction_violated,
)

__all__ = [
    "ALL_SCOPES",
    "DEMO_DEVICES",
    "ApiError",
    "FakeSpotify",
    "Fault",
    "RecordedRequest",
    "UserState",
    "no_active_device",
    "restriction_violated",
    "start_demo",
]


class FakeSpotify(AccountsApi, SearchApi, PlayerApi, LibraryApi):
    """The fake Web API + accounts server (see the module docstring for the interface)."""

    def _routes(self) -> list[Route]:
        return [
            *self._accounts_routes(),
            *self._search_routes(),
            *self._player_routes(),
            *self._library_routes(),
        ]


DEMO_DEVICES: list[dict[str, Any]] = [
    {"name": "Demo Speaker", "type": "Speaker", "is_active": True, "volume_percent": 55},
    {"name": "Demo Laptop", "type": "Computer", "volume_percent": 70},
    {"name": "Demo TV", "type": "TV", "supports_volume": False},
]


async def start_demo(
    *, host: str = "127.0.0.1", port: int = 0, user_id: str = "demo", display_name: str = "Demo User"
) -> FakeSpotify:
    """Start a fake with one premium demo user and three devices ("Demo Speaker" active).

    The user's access token is `fake.demo_token`; it lasts a year."""
    fake = FakeSpotify(token_ttl_s=365 * 24 * 3600)
    await fake.start(host, port)
    fake.demo_token = fake.add_user(user_id, display_name=display_name, premium=True, devices=DEMO_DEVICES)
    return fake
