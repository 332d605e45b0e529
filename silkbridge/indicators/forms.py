from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silkbridge.cooperation.forms import day_field


class AsOfForm(forms.Form):
    """The day of the figures (default today): the cooperation pages' date control; a day that
    is not a date is an error shown by it (``status_code`` 400) and the figures stay today's."""

    as_of = day_field(_("As of"))

    @property
    def status_code(self) -> int:
        return 400 if self.is_bound and not self.is_valid() else 200

    def day(self) -> date:
        return (self.cleaned_data.get("as_of") if self.is_valid() else None) or timezone.localdate()
