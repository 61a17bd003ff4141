"""What the page benchmarks share: a percentile of a list of times, and one timed request."""

import time

from django.test import Client


def percentile(values: list[float], p: float) -> float:
    """The value at the p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client: Client, url: str) -> float:
    """Milliseconds from request to response of a GET that must answer 200."""
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed
