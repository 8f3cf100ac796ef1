"""The cycle collector is paused while figures are computed, and what they keep is handed to
its oldest generation without a pass, yet still within reach of a full collection."""

from __future__ import annotations

import gc
import weakref

from samvard.analytics.figures import _COLLECTOR


class _Node:
    """An object that can point at itself (a cycle) and be watched through a weak reference."""

    def __init__(self) -> None:
        self.me: _Node | None = None


def test_what_a_computation_keeps_goes_to_the_oldest_generation_without_a_pass() -> None:
    assert gc.isenabled()
    passes = gc.get_stats()[0]["collections"]
    with _COLLECTOR.paused():
        assert not gc.isenabled()
        kept = [[number] for number in range(20_000)]  # far more than a young generation
        node = _Node()
        node.me = node  # a cycle, garbage once the block is left
        watched = weakref.ref(node)
        del node
    assert gc.isenabled()
    assert gc.get_count()[0] < 50  # the young generation was emptied, not collected
    assert gc.get_stats()[0]["collections"] == passes
    assert gc.is_tracked(kept[-1])
    assert watched() is not None
    gc.collect()  # a full collection still reaches what was moved
    assert watched() is None


def test_nested_computations_restore_the_collector_only_when_the_last_ends() -> None:
    with _COLLECTOR.paused():
        with _COLLECTOR.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with _COLLECTOR.paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
