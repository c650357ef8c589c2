"""bot.app: what start-up does to the process besides building the services."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.app import YOUNG_GC_THRESHOLD, settle_heap


@pytest.fixture
def thawed() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class _Node:
    def __init__(self) -> None:
        self.me = self


def test_start_up_objects_leave_the_collector_and_later_garbage_is_still_collected(thawed: None) -> None:
    before = _Node()
    settle_heap()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_GC_THRESHOLD
    assert not any(o is before for o in gc.get_objects())  # frozen: full collections no longer scan it
    later = _Node()
    gone = weakref.ref(later)
    del later
    gc.collect()
    assert gone() is None  # a cycle made after start-up is collected as before
