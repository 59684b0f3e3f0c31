"""Failed admin sign-ins, throttled by django-axes: the parts Dossier decides itself.

Axes counts failures per account and per address and refuses a sign-in once either has
reached ``AXES_FAILURE_LIMIT`` within the cool-off. This module says who the address is (the
socket's peer unless the deployment declares its reverse proxies), answers a refused sign-in
with the admin's own sign-in page and a 429, and logs each refusal with the account and
address, which axes itself masks in its log.
"""

import logging
import math

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted for: the peer of the socket, or, behind
    ``DOSSIER_PROXY_COUNT`` reverse proxies that each append to X-Forwarded-For, the address the
    outermost of them saw. Anything else in that header was written by the client and is ignored."""
    proxies = settings.DOSSIER_PROXY_COUNT
    peer = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return peer
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    return forwarded[-proxies] if len(forwarded) >= proxies else peer


class _RefusedForm(AdminAuthenticationForm):
    """The admin's sign-in form, refusing without checking the password (which would count as
    one more failure)."""

    message = ""

    def clean(self):
        raise forms.ValidationError(self.message, code="locked_out")


def locked_out(request: HttpRequest, original_response: HttpResponse | None,
               credentials: dict | None) -> HttpResponse:
    """The answer to a sign-in refused by the throttle: the sign-in page again, saying why and
    for how long, with status 429 and Retry-After."""
    cool_off = settings.AXES_COOLOFF_TIME
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    _log_refusal(request, username)
    form = _RefusedForm(request, data={"username": username, "password": "-"})
    form.message = (f"Too many failed sign-ins for this account or from this address: signing in "
                    f"is refused for {duration(cool_off.total_seconds())}. Every attempt meanwhile "
                    f"starts the wait again.")
    form.is_valid()
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "form": form,
        "app_path": request.get_full_path(),
        "next": request.POST.get("next", request.GET.get("next", "")),
        "username": request.user.get_username(),
    }
    response = render(request, "admin/login.html", context, status=429)
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response


def duration(seconds: float) -> str:
    """'15 minutes', '2 hours', '30 seconds': a wait as a person says it (never shorter)."""
    seconds = math.ceil(seconds)
    if seconds >= 3600 and seconds % 3600 == 0:
        count, unit = seconds // 3600, "hour"
    elif seconds >= 60:
        count, unit = math.ceil(seconds / 60), "minute"
    else:
        count, unit = seconds, "second"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _log_refusal(request: HttpRequest, username: str) -> None:
    """One warning per refused sign-in: the account and the address, with their counts."""
    from axes.models import AccessAttempt  # axes' models load after the app registry

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    by_account = recent.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
    by_address = recent.filter(ip_address=address).aggregate(n=Sum("failures_since_start"))["n"] or 0
    log.warning(
        "Sign-in locked out: account %r (%d failed sign-ins), address %s (%d); limit %d, "
        "lifted %d s after the last failure", username, by_account, address, by_address,
        settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())
