"""Small statistics helpers: percentiles and a latency summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], pct: float) -> float:
    """The `pct` percentile (0..100) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True, slots=True)
class Summary:
    """p50 / p99 / mean / max of a sample, in the sample's unit."""

    count: int
    p50: float
    p99: float
    mean: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            return cls(0, math.nan, math.nan, math.nan, math.nan)
        return cls(
            count=len(values),
            p50=percentile(values, 50),
            p99=percentile(values, 99),
            mean=sum(values) / len(values),
            max=max(values),
        )

    def as_dict(self, digits: int = 3) -> dict[str, float | int | None]:
        def clean(x: float) -> float | None:
            return None if math.isnan(x) else round(x, digits)

        return {
            "count": self.count,
            "p50": clean(self.p50),
            "p99": clean(self.p99),
            "mean": clean(self.mean),
            "max": clean(self.max),
        }
