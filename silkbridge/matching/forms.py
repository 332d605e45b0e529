from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silkbridge.matching import sources


def kind_choices() -> list[tuple[str, Any]]:
    """ "Everything", then each registered record kind."""
    return [("", _("Everything")), *((s.kind, s.label) for s in sources.sources().values())]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=kind_choices, required=False)

    def kinds(self) -> list[str] | None:
        kind = self.cleaned_data.get("type") or ""
        return [kind] if kind else None
