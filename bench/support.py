"""Small helpers shared by the benchmarks: progress lines, medians, percentiles."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Sequence

_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """One progress line on stderr, stamped with the seconds since the run began."""
    elapsed = time.perf_counter() - _STARTED
    print(f"[bench {elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    """The median; the middle of a few rounds resists one round disturbed by a neighbour."""
    return float(statistics.median(values))


def percentile_ms(seconds: Sequence[float], percent: int) -> float:
    """The `percent`th percentile of latencies given in seconds, in milliseconds."""
    if len(seconds) < 2:
        return round(1000 * (seconds[0] if seconds else 0.0), 2)
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return round(1000 * cuts[percent - 1], 2)


def rate(count: int, seconds: float) -> float:
    """Operations per second, guarding against a zero-length clock reading."""
    return count / max(seconds, 1e-9)
