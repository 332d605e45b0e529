from django import forms
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [
    ("", _("Everything")),
    ("organisation", _("Organisations")),
    ("expert", _("Experts")),
    ("project", _("Projects")),
]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=KIND_CHOICES, required=False)

    def kinds(self) -> list[str] | None:
        kind = self.cleaned_data.get("type") or ""
        return [kind] if kind else None
