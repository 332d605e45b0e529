from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d"]
    )

    def day(self) -> date:
        return (self.cleaned_data.get("as_of") if self.is_valid() else None) or timezone.localdate()
