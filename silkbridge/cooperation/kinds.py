"""Each kind of cooperation record once: its model, form, what its pages prefetch and which
of its records are active on a day. Pages, imports and the API read it from here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from silkbridge.cooperation import queries
from silkbridge.cooperation.enums import RecordKind
from silkbridge.cooperation.forms import AgreementForm, CentreForm, JointLabForm, OutputForm, ProjectForm
from silkbridge.cooperation.models import Agreement, DemonstrationCentre, JointLab, Output, Project


@dataclass(frozen=True)
class Kind:
    slug: RecordKind
    model: type[Any]
    form: type[Any]  # RecordForm, or OutputForm
    prefetch: tuple[str, ...] = ()
    # records active on a day (``on=``); None for agreements, whose status has more values
    active: Callable[..., QuerySet[Any]] | None = None
    facts_template: str = ""  # the detail page's part that only this kind has
    form_template: str = ""  # the edit page's part that only this kind has
    add_title: Any = ""  # "Add a joint laboratory": the create page's title and its button

    @property
    def title(self) -> str:
        return str(self.slug.label)


PARTNERS = ("partners__organisation",)
RECORDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in [
        Kind(RecordKind.AGREEMENTS, Agreement, AgreementForm, ("parties__country", "parties__organisation"),
             facts_template="cooperation/facts/agreement.html", add_title=_("Add an agreement")),
        Kind(RecordKind.LABS, JointLab, JointLabForm, PARTNERS, queries.labs_active, "cooperation/facts/lab.html",
             add_title=_("Add a joint laboratory")),
        Kind(RecordKind.CENTRES, DemonstrationCentre, CentreForm, PARTNERS, queries.centres_open,
             "cooperation/facts/centre.html", "cooperation/_years.html", _("Add a demonstration centre")),
        Kind(RecordKind.PROJECTS, Project, ProjectForm, PARTNERS, queries.projects_active,
             "cooperation/facts/project.html", add_title=_("Add a project")),
    ]
}  # fmt: skip
OUTPUTS = Kind(RecordKind.OUTPUTS, Output, OutputForm)
# What a CSV or Excel file may hold: every record kind, and outputs of labs, centres and projects.
IMPORTABLE: dict[str, Kind] = {**RECORDS, OUTPUTS.slug: OUTPUTS}


def record_kind(slug: str) -> Kind:
    """The record kind of a URL or API path; LookupError for any other slug."""
    return RECORDS[slug]
