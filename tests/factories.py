from typing import Any

import factory

from silkbridge.accounts.models import User
from silkbridge.cooperation.models import Agreement, AgreementParty, DemonstrationCentre, JointLab, Partnership, Project
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


class SearchableFactory(factory.django.DjangoModelFactory):
    """Saves through refresh_search_text(), as the domain functions do."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        obj = model_class(*args, **kwargs)
        obj.refresh_search_text()
        obj.save()
        return obj


class OrganisationFactory(SearchableFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Institute of Test Studies {n}")
    kind = "education"
    city = "Nairobi"


class ExpertFactory(SearchableFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"Expert Person {n}")
    email = factory.Sequence(lambda n: f"expert{n}@private.example.org")
    phone = "+254 700 000 000"
    keywords = ["irrigation"]
    visibility = "public"


class _PartneredFactory(SearchableFactory):
    """A lab, centre or project; ``partners=[org, ...]`` adds them as partners."""

    class Meta:
        abstract = True

    @factory.post_generation
    def partners(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for org in extracted or []:
            Partnership.objects.create(organisation=org, **{self.partnership_field: self})


class JointLabFactory(_PartneredFactory):
    class Meta:
        model = JointLab
        skip_postgeneration_save = True

    names = factory.Sequence(lambda n: {"en": f"Joint Laboratory of Test Studies {n}"})


class DemonstrationCentreFactory(_PartneredFactory):
    class Meta:
        model = DemonstrationCentre
        skip_postgeneration_save = True

    names = factory.Sequence(lambda n: {"en": f"Demonstration Centre {n}"})
    host_country_id = "KE"


class ProjectFactory(_PartneredFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Cooperation Project {n}")


class AgreementFactory(SearchableFactory):
    """An agreement; ``countries=("CN", "KE")`` adds country parties."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    titles = factory.Sequence(lambda n: {"en": f"Agreement {n}"})
    kind = "intergovernmental"

    @factory.post_generation
    def countries(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for code in extracted or []:
            AgreementParty.objects.create(agreement=self, country_id=code)
