from typing import Any

import factory

from silkbridge.accounts.models import User
from silkbridge.registry.models import Expert, Organisation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"User {n}")
    email_confirmed = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Institute of Test Studies {n}")
    kind = "education"
    city = "Nairobi"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Organisation:
        org = model_class(*args, **kwargs)
        org.refresh_search_text()
        org.save()
        return org


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"Expert Person {n}")
    email = factory.Sequence(lambda n: f"expert{n}@private.example.org")
    phone = "+254 700 000 000"
    keywords = ["irrigation"]
    visibility = "public"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Expert:
        expert = model_class(*args, **kwargs)
        expert.refresh_search_text()
        expert.save()
        return expert
