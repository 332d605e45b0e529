from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silkbridge.accounts import domain
from silkbridge.accounts.forms import LoginForm, SignUpForm, TokenForm
from silkbridge.accounts.models import ApiToken, AuthenticatedRequest


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        domain.register_user(
            email=data["email"],
            password=data["password1"],
            display_name=data["display_name"],
            organisation=form.organisation_record,
            organisation_name=data["organisation"],
        )
        return render(request, "accounts/signup_done.html", {"email": data["email"]})
    return render(request, "accounts/signup.html", {"form": form})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    user = domain.confirm_email(token)
    status = 200 if user else 400
    return render(request, "accounts/confirm.html", {"confirmed": user is not None}, status=status)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = domain.create_api_token(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    context = {"form": form, "tokens": request.user.api_tokens.all(), "new_key": new_key}  # type: ignore[union-attr]
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def revoke_token(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    domain.revoke_api_token(token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


password_reset = auth_views.PasswordResetView.as_view(
    success_url=reverse_lazy("accounts:password_reset_done"),
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a password through the e-mailed link also confirms an unconfirmed address
    (the link reached its inbox): the way in for an owner whose address someone else signed
    up with first."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        domain.confirm_by_password_reset(form.user)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
