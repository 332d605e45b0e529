from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from PIL import Image

from silkbridge.core.text import fold
from silkbridge.registry.affiliation import AffiliationMatcher
from silkbridge.registry.enums import NameResolution, OrganisationSort, OrganisationType
from silkbridge.registry.identity import registry_matcher, suggest_organisation
from silkbridge.registry.models import Country, Expert, Field, Organisation

LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}  # format Pillow reads -> extension stored


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *OrganisationType.choices])
    field = forms.ChoiceField(label=_("Field of science"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=OrganisationSort.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = sorted(Country.objects.only("code", "name_en"), key=lambda c: c.name)
        country_choices = [("", _("All countries")), *((c.code, c.name) for c in countries)]
        self.fields["country"].choices = country_choices  # type: ignore[attr-defined]
        fields = Field.objects.only("code", "names")
        field_choices = [("", _("All fields")), *((f.code, f"{f.code} {f.name}") for f in fields)]
        self.fields["field"].choices = field_choices  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q") or "",
            "country": data.get("country") or "",
            "kind": data.get("kind") or "",
            "field": data.get("field") or "",
            "sort": data.get("sort") or OrganisationSort.NAME,
        }


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "country",
            "city",
            "website",
            "established",
            "description",
            "fields",
            "contact_email",
            "logo",
        ]
        widgets = {"fields": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 5})}

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            if logo.size is not None and logo.size > settings.SILKBRIDGE_MAX_LOGO_BYTES:
                raise ValidationError(
                    _("The logo is too large: at most %(kb)d KB."),
                    params={"kb": settings.SILKBRIDGE_MAX_LOGO_BYTES // 1024},
                    code="too_large",
                )
            image = getattr(logo, "image", None)
            if image is None or image.format not in LOGO_FORMATS:
                raise ValidationError(_("The logo must be a PNG, JPEG or WebP image."), code="bad_type")
            # The content decides, not the name: a PNG sent as "logo.pdf" is stored (and
            # served, with its type read from the extension) as "logo.png".
            stem = Path(logo.name or "logo").stem or "logo"
            logo.name = stem + LOGO_FORMATS[image.format]
            logo.content_type = Image.MIME.get(image.format, "application/octet-stream")
        return "" if logo is False else logo  # False means "clear the logo"


def _split(value: str, separators: str = ",\n") -> list[str]:
    for sep in separators[1:]:
        value = value.replace(sep, separators[0])
    return [item.strip() for item in value.split(separators[0]) if item.strip()]


class ExpertForm(forms.ModelForm):
    keywords_text = forms.CharField(
        label=_("Keywords"), required=False, max_length=500, help_text=_("Separate keywords with commas.")
    )
    languages_text = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        max_length=100,
        help_text=_("Two-letter ISO 639-1 codes separated by commas, for example: en, zh, ar."),
    )
    affiliations_text = forms.CharField(
        label=_("Affiliations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One organisation a line: its exact name, acronym or ROR id, as in the organisation list."),
    )

    class Meta:
        model = Expert
        fields = ["name", "country", "fields", "bio", "email", "phone", "visibility"]
        widgets = {"fields": forms.CheckboxSelectMultiple, "bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["keywords_text"].initial = ", ".join(self.instance.keywords)
            self.fields["languages_text"].initial = ", ".join(self.instance.languages)
            self.fields["affiliations_text"].initial = "\n".join(
                o.ror_id or o.name for o in self.instance.affiliations.all()
            )

    def clean_languages_text(self) -> list[str]:
        codes = [code.lower() for code in _split(self.cleaned_data["languages_text"])]
        unknown = [code for code in codes if pycountry.languages.get(alpha_2=code) is None]
        if unknown:
            raise ValidationError(
                _("Unknown language code: %(codes)s."), params={"codes": ", ".join(unknown)}, code="unknown_language"
            )
        return list(dict.fromkeys(codes))

    def clean_keywords_text(self) -> list[str]:
        return list(dict.fromkeys(_split(self.cleaned_data["keywords_text"], ",")))[:30]

    def clean_affiliations_text(self) -> list[Organisation]:
        return [resolve_organisation(line) for line in _split(self.cleaned_data["affiliations_text"], "\n")]

    def domain_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["keywords"] = self.cleaned_data["keywords_text"]
        data["languages"] = self.cleaned_data["languages_text"]
        data["affiliations"] = self.cleaned_data["affiliations_text"]
        return data


@dataclass
class OrganisationResolver:
    """Resolves typed organisation names to registry records and keeps count of how.

    A name, acronym or ROR id that fits exactly one record is taken. Otherwise the matcher
    is asked: with ``accept_matches`` (imports, whose dry run lists what it found) its match
    is taken and recorded in ``matched``; without it (the forms of the pages) the person is
    asked to confirm its suggestion. Ambiguous and unknown names are validation errors."""

    accept_matches: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    matched: dict[str, tuple[Organisation, str]] = field(default_factory=dict)  # typed -> (record, reason)
    _matcher: AffiliationMatcher | None = field(default=None, repr=False)  # one for all the names

    def resolve(self, line: str) -> Organisation:
        try:
            org, outcome = self._resolve(line)
        except ValidationError as error:
            self.counts[NameResolution.AMBIGUOUS if error.code == "ambiguous" else NameResolution.UNKNOWN] += 1
            raise
        self.counts[outcome] += 1
        return org

    def _resolve(self, line: str) -> tuple[Organisation, str]:
        ror_id = line.rsplit("/", 1)[-1]
        candidates = Organisation.objects.filter(
            Q(ror_id=ror_id) | Q(name__iexact=line) | Q(acronyms__icontains=f'"{line}"')
        )[:5]
        exact = [m for m in candidates if m.ror_id == ror_id or fold(m.name) == fold(line) or line in m.acronyms]
        if len(exact) == 1:
            return exact[0], NameResolution.EXACT
        if exact:
            message = _("Several organisations match “%(name)s”: give its ROR id.")
            raise ValidationError(message, params={"name": line}, code="ambiguous")
        self._matcher = self._matcher or registry_matcher()
        suggestion, match = suggest_organisation(line, self._matcher)
        if suggestion is not None and self.accept_matches:
            self.matched[line] = (suggestion, match.reason)
            return suggestion, NameResolution.MATCHED
        if suggestion is not None:
            raise ValidationError(
                _("No organisation is called “%(name)s”. Did you mean “%(suggestion)s” (%(id)s)?"),
                params={"name": line, "suggestion": suggestion.name, "id": suggestion.ror_id or suggestion.pk},
                code="affiliation",
            )
        tied = Organisation.objects.filter(pk__in=[int(pk) for pk in match.candidates[:3]]) if match.candidates else []
        if tied:
            raise ValidationError(
                _("Several organisations fit “%(name)s”: %(names)s. Give the ROR id of the one meant."),
                params={"name": line, "names": "; ".join(f"{o.name} ({o.ror_id or o.pk})" for o in tied)},
                code="ambiguous",
            )
        raise ValidationError(_("No organisation is called “%(name)s”."), params={"name": line}, code="affiliation")


def resolve_organisation(line: str) -> Organisation:
    """The one organisation a typed line names (exact name, acronym or ROR id); otherwise a
    ValidationError that says why, with the matcher's suggestion when it has one."""
    return OrganisationResolver().resolve(line)


def split_lines(value: str) -> list[str]:
    return _split(value, "\n")


class ContactExpertForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"), min_length=20, max_length=3000, widget=forms.Textarea(attrs={"rows": 8})
    )
