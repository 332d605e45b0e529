"""Forms for cooperation records. The same forms validate the pages and every row of an
import, so a rule holds everywhere."""

import re
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from silkbridge.cooperation.enums import PartnerRole
from silkbridge.cooperation.models import Agreement, CentreYear, DemonstrationCentre, JointLab, Output, Project
from silkbridge.cooperation.queries import pickable_records
from silkbridge.core.text import fold
from silkbridge.registry.forms import OrganisationResolver, split_lines
from silkbridge.registry.models import Country, Field, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchableCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes (grouped where the choices are) with a box that narrows them as you type
    (static/js/pickers.js)."""

    template_name = "cooperation/widgets/searchable_checkboxes.html"


class PartnerPicker(forms.Textarea):
    """The partner lines, with suggestions from the registry and the affiliation matcher as
    you type (htmx); a suggestion is added as a line, never retyped."""

    template_name = "cooperation/widgets/partner_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, roles: bool = True) -> None:
        super().__init__(attrs)
        self.roles = roles

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["roles"] = PartnerRole.choices if self.roles else []
        return context


class RecordPicker(forms.TextInput):
    """A record (an agreement, a lab) typed by name, with suggestions from the server as you
    type (htmx); without JavaScript the typed text is resolved when the form is sent."""

    template_name = "cooperation/widgets/record_picker.html"

    def __init__(self, kind: str) -> None:
        super().__init__(attrs={"autocomplete": "off"})
        self.kind = kind

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["kind"] = self.kind
        return context


PICKED_NUMBER = re.compile(r"(?:^|\(#)(\d+)\)?\s*$")


class RecordPickerField(forms.Field):
    """One record of a queryset, typed as its number (“12”), its label as suggested
    (“Crop Lab (#12)”), its external id or its exact name; a clear error names what
    matched when the text is not one record."""

    def __init__(self, queryset: Any, *, kind: str, **kwargs: Any) -> None:
        super().__init__(widget=RecordPicker(kind), **kwargs)
        self.queryset = queryset

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            value = self.queryset.filter(pk=value).first() or value  # a record they may not see: its number
        return picked_label(value) if isinstance(value, models.Model) else value

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        number = PICKED_NUMBER.search(text)
        if number:
            found = self.queryset.filter(pk=int(number.group(1))).first()
            if found is None:
                raise ValidationError(
                    _("No record number %(number)s that you may see."), params={"number": number.group(1)}
                )
            return found
        folded = fold(text)
        candidates = self.queryset.filter(Q(external_id=text) | Q(search_text__contains=folded))[:50]
        exact = [r for r in candidates if r.external_id == text or folded in {fold(n) for n in _names(r)}]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            raise ValidationError(
                _("Nothing you may see is named “%(text)s”. Type part of its name and choose a suggestion, or enter "
                  "its number."), params={"text": text},
            )  # fmt: skip
        names = "; ".join(picked_label(r) for r in exact[:5])
        raise ValidationError(_("Several records are named “%(text)s”: %(names)s. Enter the number of the one you "
                                "mean."), params={"text": text, "names": names})  # fmt: skip


def _names(record: Any) -> list[str]:
    """A record's name in every language it has one."""
    return [str(record), *(getattr(record, "titles", None) or getattr(record, "names", {})).values()]


def picked_label(record: Any) -> str:
    """How a picker shows a chosen record, and what it reads back: “Name (#12)”."""
    return f"{record} (#{record.pk})"


def field_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Fields of science under their broad field, in the page's language."""
    broad = Field.objects.filter(level=1).prefetch_related("children").order_by("code")
    return [(b.name, [(b.code, b.name), *((f.code, f.name) for f in b.children.order_by("code"))]) for b in broad]


def country_choices() -> list[tuple[str, str]]:
    """Every country by its name in the page's language, in that name's order."""
    return sorted(((c.code, c.name) for c in Country.objects.all()), key=lambda choice: fold(choice[1]))


class CountriesField(forms.MultipleChoiceField):
    """Countries chosen from the list, or ISO codes in text (imports and the API: "CN; KE")."""

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value or ""]
        codes = [code.upper() for text in values for code in re.findall(r"[A-Za-z]+", str(text))]
        return list(dict.fromkeys(codes))

    def validate(self, value: list[str]) -> None:
        known = {str(choice[0]) for choice in self.choices}  # type: ignore[index,misc,union-attr]
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValidationError(_("Unknown country code: %(codes)s."), params={"codes": ", ".join(unknown)})


ORDER = [  # (start, end): the end may not come before the start
    ("signed_on", "in_force_from"), ("in_force_from", "expires_on"), ("signed_on", "terminated_on"),
    ("established_on", "closed_on"), ("opened_on", "closed_on"), ("start_on", "end_on"),
]  # fmt: skip


class RecordForm(forms.ModelForm):
    """Shared: a name in the page's language, the external id, and date order."""

    name_field = "names"  # the JSON field that holds the name by language
    field_order = ["name", "external_id", "kind", "countries_text", "partners_text", "summary"]

    name = forms.CharField(label=_("Name"), max_length=500)
    partners_text = forms.CharField(
        label=_("Partner organisations"), required=False, widget=PartnerPicker(attrs={"rows": 4}),
        help_text=_("One organisation a line (exact name, acronym or ROR id), optionally followed by “| role”: "
                    "host, partner, coordinator or participant."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, resolver: OrganisationResolver | None = None, user: Any = None, **kwargs: Any
    ) -> None:
        """``resolver`` resolves the partner names (an import passes one for all its rows);
        ``user`` is who fills the form in: the agreement and lab pickers offer the records
        they may see (without one, the published records)."""
        super().__init__(*args, **kwargs)
        self.resolver = resolver or OrganisationResolver()
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE
                field.input_formats = ["%Y-%m-%d"]
                field.error_messages["invalid"] = _("Enter the date as YYYY-MM-DD, for example 2023-03-15.")
        if "fields" in self.fields:
            self.fields["fields"].widget = SearchableCheckboxes(choices=field_choices())
        for name, model in (("agreement", Agreement), ("lab", JointLab)):
            if name in self.fields:  # a picker of records by name, searched as you type
                queryset = pickable_records(model, user) if user is not None else model.objects.all()
                self.fields[name] = RecordPickerField(
                    queryset, kind=model.record_kind, label=self.fields[name].label, required=False,
                    help_text=_("Type part of its name and choose a suggestion, or enter its number."),
                )  # fmt: skip
        record = self.instance
        if record.pk:
            self.fields["name"].initial = str(record)
            if hasattr(record, "partners"):
                self.fields["partners_text"].initial = "\n".join(
                    f"{p.organisation.ror_id or p.organisation.name} | {p.role}" for p in record.partners.all()
                )

    def clean_partners_text(self) -> list[tuple[Organisation, str]]:
        """Every line is checked, so that one error does not hide the next."""
        partners, errors = [], []
        for line in split_lines(self.cleaned_data.get("partners_text", "")):
            text, _sep, role = (part.strip() for part in line.partition("|"))
            role = role.lower() or PartnerRole.PARTNER
            if role not in PartnerRole.values:
                errors.append(ValidationError(_("Unknown role “%(role)s”."), params={"role": role}, code="role"))
                continue
            try:
                partners.append((self.resolver.resolve(text), role))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return partners

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for start, end in ORDER:
            if data.get(start) and data.get(end) and data[end] < data[start]:
                message = _("This date is before the date in “%(start)s”.")
                self.add_error(end, message % {"start": self.fields[start].label})
        return data

    def in_language(self, field: str, text: str) -> dict[str, str]:
        """The record's texts by language, with ``text`` as the page's language's (an empty
        text leaves them as they are)."""
        texts: dict[str, str] = getattr(self.instance, field)
        return {**texts, get_language() or "en": text} if text else texts

    def domain_data(self) -> dict[str, Any]:
        """The record's new values by model field, plus ``partners`` (organisation, role)."""
        data = {name: self.cleaned_data.get(name) for name in self._meta.fields or []}
        if self.name_field:
            data[self.name_field] = self.in_language(self.name_field, self.cleaned_data["name"])
        else:
            data["title"] = self.cleaned_data["name"]
        if "partners_text" in self.fields:
            data["partners"] = self.cleaned_data["partners_text"]
        return data


class AgreementForm(RecordForm):
    name_field = "titles"
    text_url = forms.URLField(label=_("link to the text"), required=False, max_length=500, assume_scheme="https")
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    countries_text = CountriesField(
        label=_("Country parties"), required=False, widget=SearchableCheckboxes,
        help_text=_("In a file or through the API: ISO 3166-1 codes, for example CN; KE."),
    )  # fmt: skip
    partners_text = forms.CharField(
        label=_("Organisation parties"), required=False, widget=PartnerPicker(attrs={"rows": 3}, roles=False),
        help_text=_("One organisation a line: exact name, acronym or ROR id."),
    )  # fmt: skip

    class Meta:
        model = Agreement
        fields = [
            "external_id",
            "kind",
            "signed_on",
            "in_force_from",
            "expires_on",
            "terminated_on",
            "text_url",
            "fields",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Title")
        cast(CountriesField, self.fields["countries_text"]).choices = country_choices()
        if self.instance.pk:
            parties = list(self.instance.parties.all())
            self.fields["countries_text"].initial = [p.country_id for p in parties if p.country_id]
            self.fields["partners_text"].initial = "\n".join(
                p.organisation.ror_id or p.organisation.name for p in parties if p.organisation_id
            )
            self.fields["summary"].initial = self.instance.summaries.get(get_language() or "en", "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        parties = len(data.get("countries_text") or []) + len(data.get("partners_text") or [])
        if "countries_text" in data and "partners_text" in data and parties < 2:
            raise ValidationError(_("An agreement needs at least two parties."), code="parties")
        return data

    def domain_data(self) -> dict[str, Any]:
        data = super().domain_data()
        data.pop("partners")
        data["parties"] = (
            self.cleaned_data["countries_text"],
            [org for org, _role in self.cleaned_data["partners_text"]],
        )
        data["summaries"] = self.in_language("summaries", self.cleaned_data.get("summary", ""))
        return data


class JointLabForm(RecordForm):
    class Meta:
        model = JointLab
        fields = ["external_id", "agreement", "description", "established_on", "closed_on", "fields"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


YearFormSet: Any = forms.inlineformset_factory(
    DemonstrationCentre, CentreYear, fields=["year", "people_trained", "technologies_adopted"], extra=2, can_delete=True
)


class CentreForm(RecordForm):
    """With the centre's yearly figures as a formset (pages only; imports leave them alone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else DemonstrationCentre()
        bound = "years-TOTAL_FORMS" in self.data
        self.years = YearFormSet(self.data if bound else None, instance=instance, prefix="years")

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.years.is_bound:
            return self.years.is_valid() and valid
        return valid

    def domain_data(self) -> dict[str, Any]:
        data = super().domain_data()
        if self.years.is_bound:
            data["years"] = sorted(
                (
                    f.cleaned_data["year"],
                    f.cleaned_data.get("people_trained") or 0,
                    f.cleaned_data.get("technologies_adopted") or 0,
                )
                for f in self.years.forms
                if f.cleaned_data and f.cleaned_data.get("year") and not f.cleaned_data.get("DELETE")
            )
        return data

    class Meta:
        model = DemonstrationCentre
        fields = [
            "external_id",
            "agreement",
            "host_country",
            "site",
            "technologies",
            "opened_on",
            "closed_on",
            "area_hectares",
            "fields",
        ]
        widgets = {"technologies": forms.Textarea(attrs={"rows": 3})}


class ProjectForm(RecordForm):
    name_field = ""  # a project's title is a plain field

    class Meta:
        model = Project
        fields = ["external_id", "abstract", "start_on", "end_on", "funding_programme", "funding_amount", "currency",
                  "agreement", "lab", "fields"]  # fmt: skip
        widgets = {"abstract": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Title")


DATE_FORMAT_ERROR = _("Enter the date as YYYY-MM-DD, for example 2023-03-15.")


def day_field(label: Any) -> forms.DateField:
    """The date control of every page that shows cooperation "as of" a day (``?as_of=``)."""
    return forms.DateField(
        label=label, required=False, widget=DATE, input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_FORMAT_ERROR},
    )  # fmt: skip


class AsOfForm(forms.Form):
    """The day a page shows statuses on (default today) and, on lists, a status on that day.
    A day that is not a date is an error shown by the control (``status_code`` 400); the
    page then shows today, as without one."""

    as_of = day_field(_("Status on"))
    status = forms.ChoiceField(label=_("Status on that day"), required=False)

    def __init__(self, *args: Any, statuses: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
        if statuses is None:
            del self.fields["status"]
        else:
            cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("Any status")), *statuses]

    @property
    def status_code(self) -> int:
        """The page's HTTP status: 400 when the day or the status is not valid."""
        return 400 if self.is_bound and not self.is_valid() else 200

    def values(self) -> tuple[date, str]:
        """(the day, the status or "") from valid input; today and "" otherwise."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("as_of") or timezone.localdate(), data.get("status") or ""


class ReviewForm(forms.Form):
    """A decision on a submission: the buttons of the record page."""

    action = forms.ChoiceField(choices=[("publish", _("Publish")), ("send_back", _("Send back")),
                                        ("withdraw", _("Withdraw"))], widget=forms.HiddenInput)  # fmt: skip
    comment = forms.CharField(
        label=_("Comment for the submitter"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Required to send a submission back."),
    )  # fmt: skip


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Records"),
        choices=[("agreements", _("Agreements")), ("labs", _("Joint laboratories")),
                 ("centres", _("Demonstration centres")), ("projects", _("Projects")), ("outputs", _("Outputs"))],
    )  # fmt: skip
    file = forms.FileField(label=_("CSV (UTF-8) or Excel (.xlsx) file"))
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would change, without saving"), required=False, initial=True
    )


class RecordOutputForm(forms.ModelForm):
    """An output added or edited on its lab's, centre's or project's page."""

    class Meta:
        model = Output
        fields = ["kind", "year", "count", "identifier"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 1900 <= year <= 2100:
            raise ValidationError(_("Enter a year between 1900 and 2100."))
        return int(year)

    def domain_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or []}


class OutputForm(forms.ModelForm):
    """An output of a lab, a centre or a project, named by that record's external id."""

    record = forms.CharField(
        label=_("Record"), max_length=100,
        help_text=_("The external id of the joint laboratory, demonstration centre or project it belongs to."),
    )  # fmt: skip

    class Meta:
        model = Output
        fields = ["external_id", "kind", "year", "count", "identifier"]

    def clean_record(self) -> tuple[str, Any]:
        external = self.cleaned_data["record"].strip()
        for key, model in (("lab", JointLab), ("centre", DemonstrationCentre), ("project", Project)):
            found = model.objects.filter(external_id=external).first()
            if found is not None:
                return key, found
        raise ValidationError(
            _("No laboratory, centre or project has the external id “%(id)s”."), params={"id": external}
        )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 1900 <= year <= 2100:
            raise ValidationError(_("Enter a year between 1900 and 2100."))
        return int(year)

    def domain_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self._meta.fields or []}
        key, record = self.cleaned_data["record"]
        data.update(lab=None, centre=None, project=None)
        data[key] = record
        return data
