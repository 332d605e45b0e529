"""Deployment settings read from the environment: the cache, rate limits and media."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from silkbridge.core.env import env_rate

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.urls import Resolver404, resolve
try:
    resolve("/media/logos/a.png")
    media = True
except Resolver404:
    media = False
print(json.dumps({"cache": settings.CACHES["default"]["BACKEND"], "media": media,
                  "storage": settings.STORAGES["default"]["BACKEND"]}))
"""


def probe(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "silkbridge.settings", "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("value", ["60/min", "5/s", "1000/day", "10/hour"])
def test_rates_are_read_as_given(monkeypatch: Any, value: str) -> None:
    monkeypatch.setenv("X_RATE", value)
    assert env_rate("X_RATE", "1/s") == value


@pytest.mark.parametrize("value", ["sixty", "60/fortnight", "0/min", "60", "-5/min"])
def test_a_malformed_rate_stops_the_start(monkeypatch: Any, value: str) -> None:
    monkeypatch.setenv("X_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="X_RATE"):
        env_rate("X_RATE", "1/s")


def test_the_default_cache_is_the_shared_database_and_redis_with_a_url() -> None:
    assert '"django.core.cache.backends.db.DatabaseCache"' in probe().stdout
    assert "RedisCache" in probe(SILKBRIDGE_REDIS_URL="redis://127.0.0.1:6399/0").stdout


def test_a_redis_cache_without_a_url_stops_the_start() -> None:
    result = probe(SILKBRIDGE_CACHE="redis")
    assert result.returncode != 0 and "SILKBRIDGE_REDIS_URL" in result.stderr


def test_media_are_served_by_django_only_in_the_embedded_default() -> None:
    assert '"media": true' in probe().stdout
    assert '"media": false' in probe(SILKBRIDGE_SERVE_MEDIA="0").stdout
    custom = probe(SILKBRIDGE_MEDIA_STORAGE="django.core.files.storage.InMemoryStorage").stdout
    assert "InMemoryStorage" in custom


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.django_db
def test_rate_limit_counters_live_in_redis_when_it_is_set(
    redis_url: str, settings: Any, reference: Any, client: Any
) -> None:
    import redis
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    settings.SILKBRIDGE_API_RATES = {"anonymous": "3/min", "token": "3/min", "search": "3/min"}
    codes = [client.get("/api/v1/countries").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    del caches["default"]  # another app server's connection sees the same counter
    assert client.get("/api/v1/countries").status_code == 429
    assert any(b"throttle:anonymous" in key for key in redis.Redis.from_url(redis_url).scan_iter())
