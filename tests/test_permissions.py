from bot.permissions import can_configure, can_control


def test_no_dj_role_means_everyone_controls() -> None:
    assert can_control(None, [], manage_guild=False)


def test_dj_role_required_when_set() -> None:
    assert can_control(42, [1, 42], manage_guild=False)
    assert not can_control(42, [1, 2], manage_guild=False)


def test_manage_server_always_controls() -> None:
    assert can_control(42, [], manage_guild=True)


def test_configure_needs_manage_server() -> None:
    assert can_configure(True)
    assert can_configure(False, administrator=True)
    assert not can_configure(False)
