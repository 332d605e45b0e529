"""The API seen from a browser: its documentation page under the site's CSP, and a page
on another origin reading it (CORS)."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from silkbridge.registry.reference import load_countries
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = """<!doctype html><html><body><p id="out">waiting</p><script>
fetch("%(api)s/api/v1/countries?partner=false&page_size=3")
  .then(r => r.json())
  .then(body => { document.getElementById("out").textContent = body.count + ":" + body.items[0].code; })
  .catch(e => { document.getElementById("out").textContent = "failed: " + e; });
</script></body></html>"""


@pytest.fixture
def other_origin(live_server: Any) -> Iterator[str]:
    """A page on another origin (another port) whose script calls the API."""
    html = (PAGE % {"api": live_server.url}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture
def countries(transactional_db: Any) -> None:
    load_countries()


def test_a_page_on_another_origin_reads_the_api(countries: Any, live_server: Any, other_origin: str, page: Any) -> None:
    assert not other_origin.startswith(live_server.url)
    page.goto(other_origin)
    page.wait_for_function("document.getElementById('out').textContent !== 'waiting'")
    assert page.locator("#out").inner_text() == "249:AD"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_api_docs_page_renders_under_the_csp(countries: Any, live_server: Any, page: Any, language: str) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    page.context.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server.url}/{language}/")
    page.locator("footer a[href='/api/v2/docs']").click()
    page.wait_for_url("**/api/v2/docs")
    # Swagger UI fetched the contract and drew every operation group.
    page.locator(".opblock-tag-section").first.wait_for()
    assert page.locator(".opblock").count() > 20
    assert page.locator("html").get_attribute("lang") == language
    policy = page.request.get(page.url).headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    page.screenshot(path=str(ARTIFACTS / f"api-docs-{language}.png"), full_page=False)
    assert not violations, violations
