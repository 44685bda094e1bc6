"""Sign-in in two steps (password, then a TOTP code) and the staff's Security page."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from registrar.audit import services as audit

from . import lockout, second_factor
from .forms import CodeForm
from .qr import svg_data_uri


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Step one. The password check goes through authenticate(request, ...), where
    django-axes refuses a locked-out user name + IP and counts the failures."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # signs in; second_factor notes what is owed
        step = second_factor.pending_step(self.request)
        if step == second_factor.VERIFY:
            return redirect_to_login(self.get_success_url(), reverse("accounts:verify"))
        if step == second_factor.ENROL:
            return redirect_to_login(self.get_success_url(), reverse("accounts:security"))
        return response


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return lockout.lockout_response(request)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the user's authenticator app."""
    user: Any = request.user
    if not user.is_authenticated:
        return redirect_to_login(_next_url(request))
    if second_factor.pending_step(request) != second_factor.VERIFY:
        return redirect(_next_url(request))
    device = second_factor.confirmed_device(user)
    if device is None:  # an administrator removed it after the password step
        second_factor.forget_device(request)
        return redirect(_next_url(request))
    if lockout.is_locked(request, user):
        return _locked_out(request)

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and django_otp.verify_token(user, device.persistent_id,
                                               form.cleaned_data["otp_token"]):
            second_factor.mark_verified(request, device)
            return redirect(_next_url(request))
        if lockout.count_failure(request, user):
            return _locked_out(request)
        form.add_error("otp_token", _("The code is not right.") if allowed else
                       _("Too many wrong codes in a row: wait a minute and try again."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


def _staff_only(request: HttpRequest) -> None:
    if not second_factor.offers_totp(request.user):
        raise PermissionDenied


def _pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress: reloading the page keeps the
    secret that may already be in the app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device (scan, then confirm with a code), or see the one enrolled."""
    _staff_only(request)
    user: Any = request.user
    device = second_factor.confirmed_device(user)
    if device is not None:
        return render(request, "accounts/security.html", {
            "device": device, "form": CodeForm(), "required": _required(),
        })

    pending = _pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if django_otp.verify_token(user, pending.persistent_id, form.cleaned_data["otp_token"]):
            with transaction.atomic():
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
                audit.record(user, "account.totp_enrolled", user)
            second_factor.mark_verified(request, pending)
            messages.success(request, _("Two-step sign-in is on. From now on you will be "
                                        "asked for a code after your password."))
            return redirect(_next_url(request) if request.POST.get("next") else
                            reverse("accounts:security"))
        form.add_error("otp_token", _("The code is not right. Check that the clock of your "
                                      "phone is correct and try the next code."))
    secret = b32encode(pending.bin_key).decode("ascii")
    return render(request, "accounts/security.html", {
        "form": form, "required": _required(), "next": request.GET.get("next", ""),
        "qr": svg_data_uri(pending.config_url), "secret": _grouped(secret),
    })


def _required() -> bool:
    return bool(settings.REGISTRAR_REQUIRE_TOTP_FOR_STAFF)


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponseRedirect | HttpResponse:
    """Switch two-step sign-in off: only with a valid code from the device itself."""
    _staff_only(request)
    user: Any = request.user
    device = second_factor.confirmed_device(user)
    if device is None:
        return redirect("accounts:security")
    form = CodeForm(request.POST)
    if form.is_valid() and django_otp.verify_token(user, device.persistent_id,
                                                   form.cleaned_data["otp_token"]):
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            audit.record(user, "account.totp_removed", user)
        second_factor.forget_device(request)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("accounts:security")
    if form.is_valid():
        form.add_error("otp_token", _("The code is not right."))
    return render(request, "accounts/security.html", {
        "device": device, "form": form, "required": _required(),
    }, status=400)
