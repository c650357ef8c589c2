import pytest

from bot.cooldown import Cooldown
from bot.errors import CooldownActive


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_rate_commands_then_refuses_with_the_wait() -> None:
    clock = Clock()
    cooldown = Cooldown(3, 10.0, clock=clock)
    for _ in range(3):
        cooldown.hit(1)
    with pytest.raises(CooldownActive) as info:
        cooldown.hit(1)
    assert info.value.params["seconds"] == pytest.approx(10.0)
    assert "10 s" in info.value.message("en")
    assert "10 s" in info.value.message("es")


def test_window_slides_and_users_are_independent() -> None:
    clock = Clock()
    cooldown = Cooldown(2, 10.0, clock=clock)
    cooldown.hit(1)
    clock.now += 6
    cooldown.hit(1)
    cooldown.hit(2)  # another user is not affected
    assert cooldown.retry_after(1) == pytest.approx(4.0)
    clock.now += 4.01
    assert cooldown.retry_after(1) == 0.0
    cooldown.hit(1)


def test_refused_attempts_do_not_extend_the_wait() -> None:
    clock = Clock()
    cooldown = Cooldown(1, 5.0, clock=clock)
    cooldown.hit(7)
    for _ in range(10):
        with pytest.raises(CooldownActive):
            cooldown.hit(7)
    clock.now += 5.0
    cooldown.hit(7)


def test_rejects_nonsense_configuration() -> None:
    with pytest.raises(ValueError):
        Cooldown(0, 10.0)
