from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from silkbridge.accounts.models import User

# Resolves a typed organisation to its registry record, or raises a ValidationError that says
# why. Accounts sit below the registry and do not import it: the registry registers its
# resolver in RegistryConfig.ready().
_organisation_resolver: list[Callable[[str], Any]] = []


def register_organisation_resolver(resolve: Callable[[str], Any]) -> None:
    _organisation_resolver[:] = [resolve]


class SignUpForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)
    organisation = forms.CharField(
        label=_("Your organisation"),
        max_length=300,
        required=False,
        help_text=_("Optional. Type its name, its acronym or its ROR id; we look it up in the registry."),
    )
    keep_as_typed = forms.BooleanField(
        label=_("My organisation is not in the registry: keep the name as I typed it"), required=False
    )

    def clean_email(self) -> str:
        # An address that has an account is not refused here: that would tell anyone which
        # addresses have accounts. domain.register_user e-mails the owner instead.
        return str(self.cleaned_data["email"]).lower()

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())  # no line breaks or tabs
        if not name or any(ord(c) < 32 or ord(c) == 127 for c in name):
            raise forms.ValidationError(_("Enter a name."), code="invalid")
        return name

    def clean_organisation(self) -> str:
        """Resolves the typed organisation to a registry record (``self.organisation_record``);
        when the matcher only suggests one, asks the person to confirm by typing it, or to
        keep their own name."""
        text = self.cleaned_data["organisation"].strip()
        self.organisation_record = None
        if text:
            try:
                self.organisation_record = _organisation_resolver[0](text)
            except forms.ValidationError:
                if not self.data.get("keep_as_typed"):
                    raise
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            probe = User(email=data.get("email", ""), display_name=data.get("display_name", ""))
            try:
                password_validation.validate_password(data["password1"], probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The e-mail address or password is wrong. If you have just signed up, confirm your address first."
        ),
        "inactive": _("This account is not active yet: confirm your e-mail address first."),
    }


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, for example: my script.")
    )
