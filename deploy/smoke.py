"""Smoke test of a running several-server Silkbridge (deploy/run-local.sh starts one):
pages, API, static files and uploads through the proxy; both app servers answering; an
edit on one app server seen through the other; background tasks run by the worker.

It reads the same environment as the servers (DATABASE_URL, ...) to create a staff
token and to read the task queue, as an operator's script would. Exits 1 on a failure."""

import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import django

Answer = tuple[int, dict[str, str], bytes]


def fetch(url: str, *, method: str = "GET", token: str = "", body: Any = None) -> Answer:
    headers = {"Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 (our own URLs)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_up(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"FAIL: {url} did not answer within {seconds:.0f} s")


def check(condition: bool, what: str) -> None:
    print(f"  {'ok  ' if condition else 'FAIL'} {what}")
    if not condition:
        raise SystemExit(1)


def staff_token() -> str:
    from silkbridge.accounts.domain import create_api_token
    from silkbridge.accounts.models import User

    user = User.objects.create_user(email="smoke@example.org", is_staff=True, email_confirmed=True)
    return create_api_token(user=user, name="smoke test")[1]


def tasks() -> list[tuple[str, list[str]]]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.values_list("status", "worker_ids"))


def smoke(proxy: str, web1: str, web2: str) -> None:
    for url in (f"{web1}/api/v1/fields", f"{web2}/api/v1/fields", f"{proxy}/en/"):
        wait_until_up(url)

    status, _headers, body = fetch(f"{proxy}/en/")
    html = body.decode()
    check(status == 200 and "Silkbridge" in html, "home page through the proxy")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html)
    check(stylesheet is not None, "the page links a hashed stylesheet")
    status, headers, _ = fetch(f"{proxy}{stylesheet.group(1)}")  # type: ignore[union-attr]
    check(status == 200 and "X-Upstream" not in headers, "static files served by nginx itself")
    check("immutable" in headers.get("Cache-Control", ""), "static files cached for a year")

    (Path(os.environ["SILKBRIDGE_MEDIA_ROOT"]) / "smoke.txt").write_text("an upload")
    status, headers, body = fetch(f"{proxy}/media/smoke.txt")
    check(status == 200 and body == b"an upload" and "X-Upstream" not in headers, "uploads served by nginx")

    upstreams = {fetch(f"{proxy}/api/v1/countries?page_size=1")[1].get("X-Upstream") for _ in range(8)}
    check(len(upstreams) == 2, f"the proxy balances over both app servers: {sorted(map(str, upstreams))}")
    status, headers, body = fetch(f"{proxy}/api/v1/organisations?page_size=2")
    listing = json.loads(body)
    check(status == 200 and listing["count"] > 0 and listing["next"].startswith(proxy), "API list, next link")
    check(headers.get("Access-Control-Allow-Origin") is None, "no CORS header without an Origin")

    token = staff_token()
    org = listing["items"][0]
    name = f"Smoke Test Institute {int(time.time())}"
    status, _headers, body = fetch(
        f"{web1}/api/v1/organisations/{org['id']}", method="PATCH", token=token, body={"name": name}
    )
    check(status == 200 and json.loads(body)["name"] == name, "an edit through app server 1")
    status, _headers, body = fetch(f"{web2}/api/v1/organisations/{org['id']}")
    check(json.loads(body)["name"] == name, "the edit seen on app server 2")
    status, _headers, body = fetch(f"{proxy}/en/organisations/{org['id']}/")
    check(name in body.decode(), "the edit seen on the page through the proxy")

    # The edit queued an update of the search index (that record alone); only the worker runs
    # queued tasks. It is searched for through the other app server, which applies the update.
    word = name.split()[-1]
    saved = time.monotonic()
    deadline = saved + 120
    found = False
    while time.monotonic() < deadline and not found:
        status, headers, body = fetch(f"{web2}/api/v1/search?q={word}", token=token)
        found = status == 200 and any(hit["id"] == org["id"] for hit in json.loads(body).get("items", []))
        if not found:  # a 429 says how long to wait
            time.sleep(float(headers.get("Retry-After", 1)) if status == 429 else 0.5)
    check(found, f"the edit is found by search on app server 2 after {time.monotonic() - saved:.1f} s")
    done = tasks()
    check(bool(done) and all(s == "SUCCESSFUL" and w == ["worker-1"] for s, w in done), f"tasks: {done}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proxy", required=True)
    parser.add_argument("--web1", required=True)
    parser.add_argument("--web2", required=True)
    args = parser.parse_args()
    django.setup()
    smoke(args.proxy.rstrip("/"), args.web1.rstrip("/"), args.web2.rstrip("/"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
