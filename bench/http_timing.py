"""Timing GET requests against a server the benchmark started on loopback: one request's
milliseconds, a concurrent run after a warm-up, and percentiles of the result."""

import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def fetch(url: str) -> float:
    """Milliseconds for one GET; a status other than 200 stops the benchmark."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000


def measure(urls: list[str], requests: int) -> list[float]:
    """``requests`` GETs over ``urls`` in turn, four at a time, after a warm-up of forty."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(fetch, urls[:20] * 2))  # warm-up
        return list(pool.map(fetch, [urls[i % len(urls)] for i in range(requests)]))


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]
