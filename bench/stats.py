"""Percentile summary shared by the benchmark scripts (and the report script).

Percentiles are nearest-rank: for a sorted sample x[1..n], the p-th percentile is
x[ceil(p/100 * n)] -- always one of the measured values, never interpolated. With
fewer than 100 samples p99 is therefore the maximum.
"""

import math


def percentile(values, p):
    """Nearest-rank p-th percentile (0 < p <= 100) of a non-empty list."""
    if not values:
        raise ValueError("percentile of an empty list")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


def summary(values, digits=3):
    """{"samples", "p50", "p99", "max"} of a list of numbers (None fields when empty)."""
    if not values:
        return {"samples": 0, "p50": None, "p99": None, "max": None}
    return {
        "samples": len(values),
        "p50": round(percentile(values, 50), digits),
        "p99": round(percentile(values, 99), digits),
        "max": round(max(values), digits),
    }


if __name__ == "__main__":
    # Self-check: python3 bench/stats.py
    assert percentile([1, 2, 3, 4], 50) == 2
    assert percentile(list(range(1, 101)), 99) == 99
    assert percentile(list(range(1, 201)), 99) == 198
    assert percentile([5], 99) == 5
    assert summary([3, 1, 2]) == {"samples": 3, "p50": 2, "p99": 3, "max": 3}
    print("ok")
