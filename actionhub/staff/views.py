from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from actionhub.staff.forms import CodeForm, SetupCodeForm, SignInForm
from actionhub.staff.qr import qr_svg
from actionhub.staff.services import (
    CodeRejected,
    staff_confirmed_device,
    staff_pending_user,
    staff_setup_allowed,
    staff_setup_code_check,
    staff_setup_device,
    staff_setup_secret_groups,
    staff_sign_in_begin,
    staff_sign_in_complete,
    staff_sign_out,
)


def _after_sign_in(next_url: str):
    return redirect(next_url or reverse("admin:index"))


@never_cache
def sign_in(request):
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        # Signed in, but no longer allowed in (an account changed meanwhile): start afresh.
        staff_sign_out(request=request)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff_sign_in_begin(request=request, user=form.get_user(), next_url=next_url)
        return redirect("staff:code")
    context = {
        "form": form,
        "next": next_url,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "staff/sign_in.html", context)


@never_cache
def code(request):
    user = staff_pending_user(request)
    if user is None:
        return redirect("staff:sign-in")
    device = staff_confirmed_device(user=user)
    if device is None:
        return redirect("staff:set-up")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            next_url = staff_sign_in_complete(
                request=request, user=user, device=device, code=form.cleaned_data["code"]
            )
        except CodeRejected as rejected:
            form.add_error("code", str(rejected))
        else:
            return _after_sign_in(next_url)
    return render(request, "staff/code.html", {"form": form, "organiser": user})


@never_cache
def set_up(request):
    user = staff_pending_user(request)
    if user is None:
        return redirect("staff:sign-in")
    if staff_confirmed_device(user=user) is not None:
        return redirect("staff:code")
    if not staff_setup_allowed(request=request, user=user):
        return _setup_code_page(request, user)
    device = staff_setup_device(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            next_url = staff_sign_in_complete(
                request=request, user=user, device=device, code=form.cleaned_data["code"]
            )
        except CodeRejected as rejected:
            form.add_error("code", str(rejected))
        else:
            messages.success(request, "Your authenticator app is set up. You are signed in.")
            return _after_sign_in(next_url)
    context = {
        "form": form,
        "organiser": user,
        "qr_svg": qr_svg(data=device.config_url, title="QR code for your authenticator app"),
        "secret_groups": staff_setup_secret_groups(device=device),
    }
    return render(request, "staff/set_up.html", context)


def _setup_code_page(request, user):
    """Before the QR code: the one-time set-up code, so a password alone is not enough."""
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_setup_code_check(request=request, user=user, code=form.cleaned_data["setup_code"])
        except CodeRejected as rejected:
            form.add_error("setup_code", str(rejected))
        else:
            return redirect("staff:set-up")
    return render(request, "staff/set_up_code.html", {"form": form, "organiser": user},
                  status=400 if form.errors else 200)  # fmt: skip


@require_POST
def sign_out(request):
    staff_sign_out(request=request)
    messages.info(request, "You have signed out.")
    return redirect("home")
