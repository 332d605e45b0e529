"""Forms for listings, expressions of interest, messages, moderation and saved searches.
The API validates listing writes with the same ListingForm."""

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from silkbridge.core.translation import pick
from silkbridge.marketplace.domain import MAX_RUN
from silkbridge.marketplace.enums import (
    CloseReason,
    CooperationSought,
    DeclineReason,
    IpStatus,
    LeadStage,
    ListingKind,
)
from silkbridge.marketplace.models import Listing, SavedSearch
from silkbridge.registry.countries import country_name
from silkbridge.registry.models import Country, Field, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()][:30]


def _site_language() -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    lang = get_language() or "en"
    return lang if lang in codes else "en"


class ListingForm(forms.ModelForm):
    """A listing's texts are written in one language (chosen, by default the page's) and stored
    under it; the texts in other languages are kept."""

    language = forms.ChoiceField(label=_("Language of the text"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Non-confidential summary"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Public: anyone can read it once the listing is published."),
    )  # fmt: skip
    details = forms.CharField(
        label=_("Details"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Shown only to the members whose expression of interest you accept."),
    )  # fmt: skip
    keywords_text = forms.CharField(label=_("Keywords"), required=False, max_length=500,
                                    help_text=_("Separated by commas."))  # fmt: skip
    sectors_text = forms.CharField(label=_("Sectors"), required=False, max_length=500,
                                   help_text=_("Separated by commas."))  # fmt: skip
    cooperation = forms.MultipleChoiceField(
        label=_("Kind of cooperation sought"), choices=CooperationSought.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    countries = forms.ModelMultipleChoiceField(
        label=_("Target countries"), queryset=Country.objects.all(), required=False, to_field_name="code"
    )
    fields_of_science = forms.ModelMultipleChoiceField(
        label=_("Fields of science"), queryset=Field.objects.filter(level=2), required=False
    )

    class Meta:
        model = Listing
        fields = ["kind", "organisation", "trl", "ip_status", "expires_on", "requires_confidentiality",
                  "confidentiality_statement"]  # fmt: skip
        widgets = {"expires_on": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["kind", "organisation", "language", "title", "summary", "details"])
        orgs = Organisation.objects.filter(memberships__user=user).order_by("name")
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["trl"].widget = forms.Select(choices=[("", "—"), *((n, str(n)) for n in range(1, 10))])
        self.fields["trl"].help_text = _("For offers: 1 (basic principles) to 9 (proven in operation).")
        self.fields["expires_on"].input_formats = ["%Y-%m-%d"]  # type: ignore[attr-defined]
        listing = self.instance
        lang = next(iter(listing.titles), _site_language()) if listing.pk else _site_language()
        self.fields["language"].initial = lang
        if listing.pk:
            del self.fields["organisation"]
            del self.fields["kind"]
            self.fields["title"].initial = listing.titles.get(lang, "")
            self.fields["summary"].initial = listing.summaries.get(lang, "")
            self.fields["details"].initial = listing.details.get(lang, "")
            self.fields["keywords_text"].initial = ", ".join(listing.keywords)
            self.fields["sectors_text"].initial = ", ".join(listing.sectors)
            self.fields["cooperation"].initial = listing.cooperation
            self.fields["countries"].initial = list(listing.countries.all())
            self.fields["fields_of_science"].initial = list(listing.fields.all())
        else:
            self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=180)
            if orgs.count() == 1:
                self.fields["organisation"].initial = orgs.first()

    def clean_trl(self) -> int | None:
        trl = self.cleaned_data.get("trl")
        if trl is not None and not 1 <= trl <= 9:
            raise forms.ValidationError(_("The readiness level runs from 1 to 9."))
        return trl

    def clean_expires_on(self) -> Any:
        expires = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires <= today or expires > today + MAX_RUN:
            raise forms.ValidationError(_("Choose a date within the next twelve months."))
        return expires

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("requires_confidentiality") and not data.get("confidentiality_statement", "").strip():
            self.add_error("confidentiality_statement", _("Write the statement that interested members accept."))
        return data

    def _texts(self, field: str, value: str) -> dict[str, str]:
        texts = dict(getattr(self.instance, field) or {})
        lang = self.cleaned_data["language"]
        if value:
            texts[lang] = value
        else:
            texts.pop(lang, None)
        return texts

    def domain_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self._meta.fields or [] if name in self.cleaned_data}
        data["titles"] = self._texts("titles", self.cleaned_data["title"])
        data["summaries"] = self._texts("summaries", self.cleaned_data["summary"])
        data["details"] = self._texts("details", self.cleaned_data["details"])
        data["keywords"] = _words(self.cleaned_data["keywords_text"])
        data["sectors"] = _words(self.cleaned_data["sectors_text"])
        data["cooperation"] = self.cleaned_data["cooperation"]
        data["countries"] = list(self.cleaned_data["countries"])
        data["fields"] = list(self.cleaned_data["fields_of_science"])
        if data.get("kind", self.instance.kind) == ListingKind.NEED:
            data["trl"] = None  # readiness levels describe offers
        return data


class ListingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Offers and needs")), *ListingKind.choices],
                             required=False)  # fmt: skip
    field = forms.ChoiceField(label=_("Field of science"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    trl = forms.TypedChoiceField(
        label=_("Readiness level at least"), coerce=int, empty_value=None, required=False,
        choices=[("", "—"), *((n, str(n)) for n in range(1, 10))],
    )  # fmt: skip
    ip_status = forms.ChoiceField(label=_("IP status"), choices=[("", "—"), *IpStatus.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # from plain rows, not ~300 model instances per page (as Field.name and Country.name)
        fields = ((code, pick(names)) for code, names in Field.objects.values_list("code", "names"))
        self.fields["field"].choices = [("", "—"), *fields]  # type: ignore[attr-defined]
        rows = Country.objects.values_list("code", "name_en")
        countries = sorted(((code, country_name(code, name)) for code, name in rows), key=lambda c: c[1])
        self.fields["country"].choices = [("", "—"), *countries]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "kind": data.get("kind", ""),
            "field": data.get("field", ""),
            "country": data.get("country", ""),
            "trl_min": data.get("trl"),
            "ip_status": data.get("ip_status", ""),
        }


class SendBackForm(forms.Form):
    comment = forms.CharField(label=_("What should change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=CloseReason.choices)


class RenewForm(forms.Form):
    until = forms.DateField(label=_("New expiry date"), widget=DATE, input_formats=["%Y-%m-%d"])

    def clean_until(self) -> Any:
        until = self.cleaned_data["until"]
        today = timezone.localdate()
        if until <= today or until > today + MAX_RUN:
            raise forms.ValidationError(_("Choose a date within the next twelve months."))
        return until


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, PNG or JPEG, at most 5 MB)"))


class InterestForm(forms.Form):
    message = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Say who you are and what you would like to do together."))  # fmt: skip
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none(),
                                          required=False)  # fmt: skip
    share_email = forms.BooleanField(label=_("Show my e-mail address to the other party once accepted"),
                                     required=False)  # fmt: skip
    accept_confidentiality = forms.BooleanField(label=_("I accept the confidentiality statement above"))

    def __init__(self, *args: Any, user: Any, listing: Listing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(memberships__user=user).order_by("name")
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        if not orgs.exists():
            del self.fields["organisation"]
        if not listing.requires_confidentiality:
            del self.fields["accept_confidentiality"]


class AcceptForm(forms.Form):
    share_email = forms.BooleanField(label=_("Show my e-mail address to the other party"), required=False)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=LeadStage.choices)


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["query", "kind", "field", "country"]
