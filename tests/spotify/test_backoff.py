"""The per-app back-off gate: pure timing rules, then over the wire with real spotipy against FakeSpotify."""

from __future__ import annotations

import email.utils
import time

import pytest
import requests
from spotipy.exceptions import SpotifyException

from bot.spotify.client import DEFAULT_RETRY_AFTER_S, BackoffGate, BackoffGates, is_transient, retry_after_s
from bot.spotify.errors import RateLimited


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_gate_fails_fast_until_retry_after_has_passed() -> None:
    clock = Clock()
    gate = BackoffGate("app", clock)
    gate.check()  # open
    gate.close_for(30)
    clock.now += 10.2
    with pytest.raises(RateLimited) as info:
        gate.check()
    assert info.value.params == {"seconds": 20}
    assert "20 s" in info.value.message("en")
    assert "20 s" in info.value.message("es")
    clock.now += 20
    gate.check()


def test_gate_never_shortens_a_longer_wait() -> None:
    clock = Clock()
    gate = BackoffGate("app", clock)
    gate.close_for(3600)
    gate.close_for(5)
    assert gate.remaining_s() == pytest.approx(3600)


def test_gates_are_shared_per_app_only() -> None:
    gates = BackoffGates(Clock())
    assert gates.for_app("a") is gates.for_app("a")
    gates.for_app("a").close_for(30)
    gates.for_app("b").check()


@pytest.mark.parametrize(
    ("header", "expected"),
    [("30", 30.0), ("0", 1.0), ("2.5", 2.5), ("soon", DEFAULT_RETRY_AFTER_S), (None, DEFAULT_RETRY_AFTER_S)],
)
def test_retry_after_seconds(header: str | None, expected: float) -> None:
    headers = {} if header is None else {"Retry-After": header}
    assert retry_after_s(headers) == pytest.approx(expected)


def test_retry_after_http_date_and_cap() -> None:
    in_two_minutes = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 100 <= retry_after_s({"Retry-After": in_two_minutes}) <= 121
    assert retry_after_s({"Retry-After": "999999999"}) == 24 * 3600


def test_only_5xx_and_network_failures_are_transient() -> None:
    assert is_transient(SpotifyException(503, -1, "x"))
    assert not is_transient(SpotifyException(429, -1, "x"))
    assert not is_transient(SpotifyException(404, -1, "x", reason="NO_ACTIVE_DEVICE"))
    assert is_transient(requests.exceptions.ReadTimeout())
    assert is_transient(requests.exceptions.ConnectionError())
    assert not is_transient(ValueError())
