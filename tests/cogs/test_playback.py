"""Pure helpers of the playback cog (the commands themselves are driven over the wire in tests/discord/)."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from cogs.playback import parse_position


def test_parse_position() -> None:
    assert parse_position("1:30") == 90
    assert parse_position("90") == 90
    assert parse_position("1:02:03") == 3723
    for bad in ("1:75", "abc", "", "-5"):
        with pytest.raises(UserFacingError):
            parse_position(bad)
