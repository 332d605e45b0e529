from pathlib import Path
from typing import Any

import pytest
from django.test import Client

TEMPLATES = Path(__file__).resolve().parent.parent / "silkbridge"


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(reference: Any, client: Any) -> None:
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_scripts_or_styles() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text and "<style" not in text and " style=" not in text, template


@pytest.mark.django_db
def test_forms_are_csrf_protected(reference: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/accounts/login/", {"username": "a@b.c", "password": "x"})
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()


def test_https_settings_switch_on_with_silkbridge_https(monkeypatch: Any) -> None:
    import importlib

    import silkbridge.settings as settings_module

    monkeypatch.setenv("SILKBRIDGE_HTTPS", "1")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.CSRF_COOKIE_SECURE
        assert reloaded.SECURE_HSTS_SECONDS >= 31536000 and reloaded.SECURE_SSL_REDIRECT
    finally:
        monkeypatch.delenv("SILKBRIDGE_HTTPS")
        importlib.reload(settings_module)


def test_malformed_environment_values_fail_loudly(monkeypatch: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from silkbridge.core.env import env_bool, env_int

    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 1)


@pytest.mark.django_db
def test_server_errors_show_no_stack_trace(reference: Any, settings: Any) -> None:
    from django.urls import path

    def boom(request: Any) -> Any:
        raise RuntimeError("secret internals")

    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    import silkbridge.urls as urls

    urls.urlpatterns.append(path("boom/", boom))
    try:
        response = client.get("/boom/")
    finally:
        urls.urlpatterns.pop()
    assert response.status_code == 500
    assert "secret internals" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert "Server error" in response.content.decode()
