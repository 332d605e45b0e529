from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership
from silkbridge.registry.models import Country
from silkbridge.registry.reference import load_countries, load_fields
from tests.factories import ExpertFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Any:
    """Code run outside a request uses the active language; start every test in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_settings(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    # The real model is tested on its own (tests/matching/test_model.py); elsewhere a tiny
    # deterministic embedder, and an index of this test's own.
    settings.SILKBRIDGE_EMBEDDER = "fake"
    settings.SILKBRIDGE_MATCHING_DIR = tmp_path / "matching"
    # A cache of this process, emptied for each test: rate-limit counters start at zero.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _load_reference() -> None:
    load_countries()
    load_fields()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Countries and fields of science, loaded once into each test database (not per test)."""
    with django_db_blocker.unblock():
        _load_reference()


@pytest.fixture
def reference(db: Any) -> None:
    """Reference data for a test that needs it: there already, unless a transactional test
    before this one flushed the database."""
    if not Country.objects.exists():
        _load_reference()


@pytest.fixture
def org(reference: Any) -> Any:
    return OrganisationFactory(country_id="KE", contact_email="office@example.org")


@pytest.fixture
def other_org(reference: Any) -> Any:
    return OrganisationFactory(country_id="CN")


@pytest.fixture
def roles(org: Any, other_org: Any) -> dict[str, Any]:
    """One user per role of the permission matrix (None = anonymous)."""
    editor = UserFactory()
    Membership.objects.create(user=editor, organisation=org, role=MembershipRole.EDITOR)
    other_editor = UserFactory()
    Membership.objects.create(user=other_editor, organisation=other_org, role=MembershipRole.EDITOR)
    return {
        "anonymous": None,
        "member": UserFactory(),
        "editor": editor,
        "other_editor": other_editor,
        "moderator": UserFactory(is_moderator=True),
        "staff": UserFactory(is_staff=True),
    }


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def expert_factory(reference: Any) -> Any:
    return ExpertFactory
