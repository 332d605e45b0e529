from datetime import timedelta
from typing import Any

import factory
import pytest
from django.utils import timezone

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership
from silkbridge.marketplace.models import Listing
from tests.factories import UserFactory


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    kind = "offer"
    status = "published"
    titles = factory.Sequence(lambda n: {"en": f"Drip irrigation controller {n}"})
    summaries = {"en": "A solar-powered controller that saves water on small farms."}
    details = {"en": "SECRET-DETAILS: the valve timing algorithm and bill of materials."}
    keywords = ["irrigation", "solar"]
    trl = 6
    ip_status = "patented"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))
    published_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        obj = model_class(*args, **kwargs)
        obj.languages = sorted(obj.titles)
        obj.refresh_search_text()
        obj.save()
        return obj


@pytest.fixture
def listing_factory(reference: Any) -> Any:
    return ListingFactory


@pytest.fixture
def market_roles(roles: dict[str, Any], org: Any) -> dict[str, Any]:
    """The registry's roles plus an owner organisation's plain member and another party
    (a member of another organisation) before and after acceptance."""
    owner_member = UserFactory()
    Membership.objects.create(user=owner_member, organisation=org, role=MembershipRole.MEMBER)
    return {**roles, "owner_member": owner_member, "party": UserFactory(), "accepted": UserFactory()}
