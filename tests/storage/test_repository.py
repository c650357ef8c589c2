"""Behaviour every Repository must have: run against SQLite (a real file), PostgreSQL and the in-memory one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.crypto import TokenCipher
from bot.storage.memory import MemoryRepository
from bot.storage.postgres import PostgresRepository
from bot.storage.repository import LinkedAccount, OAuthState, Repository, SpotifyToken
from bot.storage.sqlite import SqliteRepository


@pytest.fixture(params=["sqlite", "postgres", "memory"])
async def repo(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Repository]:
    if request.param == "sqlite":
        repository: Repository = await SqliteRepository.open(tmp_path / "bot.sqlite3", TokenCipher.generate())
    elif request.param == "postgres":
        repository = await PostgresRepository.open(
            request.getfixturevalue("pg_dsn"), TokenCipher.generate(), pool_size=4
        )
    else:
        repository = MemoryRepository()
    yield repository
    await repository.close()


def account(user_id: int = 1, access: str = "access-1", refresh: str | None = "refresh-1") -> LinkedAccount:
    return LinkedAccount(
        user_id=user_id,
        spotify_id=f"spotify-{user_id}",
        display_name=f"User {user_id}",
        client_id="client-a",
        token=SpotifyToken(access, refresh, expires_at=2_000_000_000.0, scope="user-read-playback-state"),
        scopes=["user-read-playback-state", "user-modify-playback-state"],
        linked_at=1_700_000_000.0,
    )


def state(value: str = "state-1", user_id: int = 1, created_at: float | None = None) -> OAuthState:
    return OAuthState(
        state=value,
        user_id=user_id,
        guild_id=42,
        code_verifier="verifier-" + value,
        client_id="client-a",
        redirect_uri="http://127.0.0.1:8888/callback",
        created_at=time.time() if created_at is None else created_at,
        lang="es",
    )


async def test_unknown_guild_has_defaults(repo: Repository) -> None:
    settings = await repo.get_guild_settings(7)
    assert settings.guild_id == 7
    assert settings.language is None and settings.dj_role_id is None and settings.controller_user_id is None


async def test_update_guild_settings_merges_changes(repo: Repository) -> None:
    await repo.update_guild_settings(7, language="es", dj_role_id=99)
    updated = await repo.update_guild_settings(7, announce_channel_id=5)
    assert (updated.language, updated.dj_role_id, updated.announce_channel_id) == ("es", 99, 5)
    assert await repo.get_guild_settings(7) == updated
    cleared = await repo.update_guild_settings(7, dj_role_id=None)
    assert cleared.dj_role_id is None and cleared.language == "es"


async def test_update_guild_settings_rejects_unknown_and_mistyped_fields(repo: Repository) -> None:
    with pytest.raises(ValueError):
        await repo.update_guild_settings(7, colour="red")
    with pytest.raises(TypeError):
        await repo.update_guild_settings(7, dj_role_id="99")
    assert (await repo.get_guild_settings(7)).dj_role_id is None


async def test_concurrent_updates_of_one_guild_lose_nothing(repo: Repository) -> None:
    fields = {"dj_role_id": 1, "controller_user_id": 2, "announce_channel_id": 3, "language": "es"}
    await asyncio.gather(*(repo.update_guild_settings(7, **{k: v}) for k, v in fields.items()))
    settings = await repo.get_guild_settings(7)
    assert (settings.dj_role_id, settings.controller_user_id, settings.announce_channel_id) == (1, 2, 3)
    assert settings.language == "es"


async def test_account_round_trip_and_token_update(repo: Repository) -> None:
    assert await repo.get_account(1) is None
    await repo.save_account(account())
    assert await repo.get_account(1) == account()
    new_token = SpotifyToken("access-2", "refresh-2", expires_at=2_100_000_000.0, scope="a b")
    await repo.update_token(1, new_token)
    stored = await repo.get_account(1)
    assert stored is not None and stored.token == new_token and stored.spotify_id == "spotify-1"


async def test_token_without_refresh_token_round_trips(repo: Repository) -> None:
    await repo.save_account(account(refresh=None))
    stored = await repo.get_account(1)
    assert stored is not None and stored.token.refresh_token is None


async def test_needs_relink_is_kept_until_a_new_link(repo: Repository) -> None:
    await repo.save_account(account())
    await repo.mark_needs_relink(1)
    stored = await repo.get_account(1)
    assert stored is not None and stored.needs_relink
    await repo.save_account(account())
    relinked = await repo.get_account(1)
    assert relinked is not None and not relinked.needs_relink


async def test_delete_account_clears_the_guilds_it_controlled(repo: Repository) -> None:
    await repo.save_account(account(1))
    await repo.save_account(account(2))
    await repo.update_guild_settings(10, controller_user_id=1, language="es")
    await repo.update_guild_settings(11, controller_user_id=2)
    assert await repo.delete_account(1) is True
    assert await repo.delete_account(1) is False
    assert await repo.get_account(1) is None
    assert (await repo.get_guild_settings(10)).controller_user_id is None
    assert (await repo.get_guild_settings(10)).language == "es"
    assert (await repo.get_guild_settings(11)).controller_user_id == 2


async def test_oauth_state_is_single_use(repo: Repository) -> None:
    await repo.save_oauth_state(state("abc"))
    popped = await repo.pop_oauth_state("abc")
    assert popped == state("abc", created_at=popped.created_at if popped else 0)
    assert await repo.pop_oauth_state("abc") is None
    assert await repo.pop_oauth_state("never-saved") is None


async def test_concurrent_pops_of_one_state_succeed_once(repo: Repository) -> None:
    await repo.save_oauth_state(state("abc"))
    results = await asyncio.gather(*(repo.pop_oauth_state("abc") for _ in range(5)))
    assert sum(r is not None for r in results) == 1


async def test_returned_objects_are_copies(repo: Repository) -> None:
    await repo.save_account(account())
    stored = await repo.get_account(1)
    assert stored is not None
    stored.token.access_token = "tampered"
    again = await repo.get_account(1)
    assert again is not None and again.token.access_token == "access-1"


async def test_holds_only_grow(repo: Repository) -> None:
    assert await repo.get_hold("spotify:app-a") == 0.0
    assert await repo.hold_until("spotify:app-a", 1_000.5) == 1_000.5
    assert await repo.hold_until("spotify:app-a", 900.0) == 1_000.5  # a shorter hold never shortens it
    assert await repo.hold_until("spotify:app-a", 2_000.0) == 2_000.0
    assert await repo.get_hold("spotify:app-a") == 2_000.0
    assert await repo.get_hold("spotify:app-b") == 0.0


async def test_usage_counters_add_up_per_window(repo: Repository) -> None:
    assert await repo.get_usage("groq:tokens", 100) == 0
    totals = await asyncio.gather(*(repo.add_usage("groq:tokens", 100, 5) for _ in range(10)))
    assert sorted(totals) == list(range(5, 55, 5))  # every addition saw the others: none was lost
    assert await repo.get_usage("groq:tokens", 100) == 50
    assert await repo.add_usage("groq:tokens", 101, 1) == 1
    assert await repo.get_usage("groq:tokens", 100) == 50  # the previous window is kept
    await repo.add_usage("groq:tokens", 103, 1)
    assert await repo.get_usage("groq:tokens", 100) == 0  # older ones are forgotten
    assert await repo.get_usage("groq:requests", 103) == 0


async def test_refresh_lock_is_single_flight_per_user(repo: Repository) -> None:
    inside: list[int] = []
    overlaps: list[int] = []

    async def refresh(user_id: int) -> None:
        async with repo.refresh_lock(user_id):
            if user_id in inside:
                overlaps.append(user_id)
            inside.append(user_id)
            await asyncio.sleep(0.01)
            inside.remove(user_id)

    await asyncio.gather(*(refresh(user) for user in (1, 1, 1, 2, 2) * 3))
    assert overlaps == []


async def test_refreshed_token_is_written_only_over_the_refresh_token_it_came_from(repo: Repository) -> None:
    await repo.save_account(account())
    refreshed = SpotifyToken("access-2", "refresh-2", expires_at=2_100_000_000.0)
    assert await repo.replace_token(1, refreshed, refreshed_from="refresh-1") is True
    late = SpotifyToken("access-late", "refresh-late", expires_at=2_200_000_000.0)
    assert await repo.replace_token(1, late, refreshed_from="refresh-1") is False  # a newer one is stored
    assert await repo.replace_token(2, late, refreshed_from="refresh-1") is False  # no such link
    stored = await repo.get_account(1)
    assert stored is not None and stored.token == refreshed


async def test_needs_relink_can_be_conditional_on_the_refresh_token(repo: Repository) -> None:
    await repo.save_account(account())
    assert await repo.mark_needs_relink(1, if_refresh_token="an-older-one") is False
    stored = await repo.get_account(1)
    assert stored is not None and not stored.needs_relink
    assert await repo.mark_needs_relink(1, if_refresh_token="refresh-1") is True
    stored = await repo.get_account(1)
    assert stored is not None and stored.needs_relink


async def test_meta_values_are_kept_and_replaced(repo: Repository) -> None:
    assert await repo.get_meta("discord.command_tree_hash") is None
    await repo.set_meta("discord.command_tree_hash", "abc")
    await repo.set_meta("discord.command_tree_hash", "def")
    assert await repo.get_meta("discord.command_tree_hash") == "def"


async def test_claim_controller_goes_to_the_first_claimant_only(repo: Repository) -> None:
    await repo.update_guild_settings(8, language="es")
    results = await asyncio.gather(*(repo.claim_controller(8, user) for user in (1, 2, 3, 4)))
    assert sum(results) == 1
    winner = (1, 2, 3, 4)[results.index(True)]
    settings = await repo.get_guild_settings(8)
    assert settings.controller_user_id == winner and settings.language == "es"
    assert await repo.claim_controller(8, winner) is True  # already theirs
    assert await repo.claim_controller(9, 5) is True  # a guild without settings yet


async def test_dj_states_round_trip_replace_and_delete(repo: Repository) -> None:
    assert await repo.dj_states() == {}
    await repo.save_dj_state(42, '{"vibe": "chill"}')
    await repo.save_dj_state(43, '{"vibe": "rock"}')
    await repo.save_dj_state(42, '{"vibe": "chill", "played": ["a"]}')
    assert await repo.dj_states() == {42: '{"vibe": "chill", "played": ["a"]}', 43: '{"vibe": "rock"}'}
    assert await repo.delete_dj_state(43) is True
    assert await repo.delete_dj_state(43) is False
    assert await repo.dj_states() == {42: '{"vibe": "chill", "played": ["a"]}'}
