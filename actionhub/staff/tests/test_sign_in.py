"""Organisers sign in with a password and then a TOTP code; the admin is closed to anyone else."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionhub.core.models import AuditEntry
from actionhub.core.tests.clock import SUITE_NOW
from actionhub.staff.models import SetupCode
from actionhub.staff.services import staff_setup_code_issue
from actionhub.staff.tests.factories import PASSWORD, OrganiserFactory, TOTPDeviceFactory
from actionhub.staff.tests.totp import current_code

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, username="organiser", password=PASSWORD, **extra):
    return client.post(
        "/organisers/sign-in/", {"username": username, "password": password, **extra}
    )


def test_the_admin_sends_visitors_to_the_sign_in_page(client):
    response = client.get("/admin/campaigns/appeal/", follow=True)
    assert response.redirect_chain[-1] == (
        "/organisers/sign-in/?next=/admin/campaigns/appeal/",
        302,
    )
    assert "Organiser sign-in" in response.content.decode()


def test_first_sign_in_sets_up_an_authenticator_then_opens_the_admin(client, organiser):
    response = sign_in_with_password(client, next="/admin/campaigns/appeal/")
    assert response["Location"] == "/organisers/sign-in/code/"
    assert client.get("/admin/").status_code == 302, "a password alone must not open the admin"

    setup_code = staff_setup_code_issue(user=organiser)
    response = client.get("/organisers/sign-in/code/")
    assert response["Location"] == "/organisers/sign-in/set-up/"
    asked = client.get("/organisers/sign-in/set-up/").content.decode()
    assert "Set-up code" in asked and "<svg" not in asked, "no QR code for a password alone"
    entered = client.post("/organisers/sign-in/set-up/", {"setup_code": setup_code.lower()})
    assert entered["Location"] == "/organisers/sign-in/set-up/"
    page = client.get("/organisers/sign-in/set-up/").content.decode()
    assert "<svg" in page and "QR code for your authenticator app" in page
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)

    wrong = client.post("/organisers/sign-in/set-up/", {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    response = client.post("/organisers/sign-in/set-up/", {"code": current_code(device)})

    assert response["Location"] == "/admin/campaigns/appeal/"
    assert client.get("/admin/campaigns/appeal/").status_code == 200
    assert TOTPDevice.objects.get(user=organiser).confirmed
    assert AuditEntry.objects.filter(action="staff.signed_in", actor=organiser).exists()
    assert not SetupCode.objects.exists(), "the set-up code is spent"


def start_set_up(client, username="organiser"):
    sign_in_with_password(client, username=username)
    return client.get("/organisers/sign-in/set-up/")


def test_a_password_alone_never_reaches_the_qr_code(client, organiser):
    page = start_set_up(client).content.decode()
    refused = client.post("/organisers/sign-in/set-up/", {"setup_code": "ABCD-EFGH-JKMN"})

    assert "<svg" not in page
    assert refused.status_code == 400
    assert "There is no set-up code for your account, or it has expired" in refused.content.decode()
    assert "<svg" not in client.get("/organisers/sign-in/set-up/").content.decode()
    assert not TOTPDevice.objects.exists()


def test_a_wrong_set_up_code_is_refused_and_five_void_it(client, organiser):
    right = staff_setup_code_issue(user=organiser)
    start_set_up(client)

    for _ in range(4):
        wrong = client.post("/organisers/sign-in/set-up/", {"setup_code": "ABCD-EFGH-JKMN"})
        assert "That set-up code is not right" in wrong.content.decode()
    last = client.post("/organisers/sign-in/set-up/", {"setup_code": "ABCD-EFGH-JKMN"})
    assert "too many times: it no longer works" in last.content.decode()

    late = client.post("/organisers/sign-in/set-up/", {"setup_code": right})
    assert "no set-up code for your account" in late.content.decode()
    assert not SetupCode.objects.exists()


def test_a_set_up_code_lasts_a_day(client, organiser):
    with time_machine.travel(SUITE_NOW, tick=False) as traveller:
        code = staff_setup_code_issue(user=organiser)
        traveller.shift(timedelta(hours=24, minutes=1))
        start_set_up(client)
        expired = client.post("/organisers/sign-in/set-up/", {"setup_code": code})

    assert "or it has expired (codes last a day)" in expired.content.decode()


def test_an_organiser_made_in_the_admin_is_given_a_set_up_code_to_hand_over(organiser_client):
    response = organiser_client.post(
        "/admin/auth/user/add/",
        {"username": "newvolunteer", "password1": "a long new passphrase 7", "password2":
         "a long new passphrase 7", "usable_password": "true"},
        follow=True,
    )  # fmt: skip

    [message] = [str(m) for m in response.context["messages"] if "set-up code" in str(m)]
    code = message.split("this set-up code")[1].split(": ", 1)[1].split(".", 1)[0]
    volunteer = get_user_model().objects.get(username="newvolunteer")
    assert check_password(code.replace("-", ""), volunteer.setup_code.code_hash)
    assert AuditEntry.objects.filter(
        action="staff.setup_code_issued", object_id=str(volunteer.pk)
    ).exists()


def test_later_sign_ins_ask_for_the_code(client, organiser, organiser_device):
    sign_in_with_password(client)

    response = client.post("/organisers/sign-in/code/", {"code": current_code(organiser_device)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.get(action="staff.signed_in")
    assert entry.actor_label == "organiser" and entry.ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app."),
        ("12345", "Enter the code as 6 digits, like 123456."),
        ("abcdef", "Enter the code as 6 digits, like 123456."),
        ("１２３４５６", "Enter the code as 6 digits, like 123456."),
        ("1" * 5000, "Ensure this value has at most 20 characters"),
    ],
)
def test_a_malformed_code_gets_a_clear_message(client, organiser, organiser_device, code, message):
    sign_in_with_password(client)
    response = client.post("/organisers/sign-in/code/", {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_used_code_cannot_be_used_twice(client, organiser, organiser_device):
    code = current_code(organiser_device)
    sign_in_with_password(client)
    client.post("/organisers/sign-in/code/", {"code": code})
    client.post("/organisers/sign-out/")

    sign_in_with_password(client)
    response = client.post("/organisers/sign-in/code/", {"code": code})

    assert "That code is not right" in response.content.decode()
    assert AuditEntry.objects.filter(action="staff.code_rejected").count() == 1


def test_wrong_codes_slow_down_further_tries(client, organiser, organiser_device):
    sign_in_with_password(client)
    client.post("/organisers/sign-in/code/", {"code": "000000"})

    response = client.post("/organisers/sign-in/code/", {"code": current_code(organiser_device)})

    assert "Too many wrong codes" in response.content.decode()


def test_code_page_without_a_password_first_goes_back_to_sign_in(client, organiser_device):
    assert client.get("/organisers/sign-in/code/")["Location"] == "/organisers/sign-in/"
    assert client.get("/organisers/sign-in/set-up/")["Location"] == "/organisers/sign-in/"


def test_a_wrong_password_gets_a_clear_message_and_keeps_the_username(client, organiser):
    response = sign_in_with_password(client, password="not it")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The username or password is not right" in page
    assert 'value="organiser"' in page


def test_a_supporter_account_cannot_sign_in(client):
    OrganiserFactory(username="volunteer", is_staff=False, is_superuser=False)
    response = sign_in_with_password(client, username="volunteer")
    assert "This account cannot sign in here" in response.content.decode()


def test_repeated_wrong_passwords_lock_the_account_for_that_address(client, organiser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in_with_password(client, password="guess").status_code == 200

    locked = sign_in_with_password(client, password="guess")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()

    still_locked = sign_in_with_password(client)
    assert still_locked.status_code == 429, "even the right password waits out the lockout"


def test_an_open_redirect_is_refused(client, organiser, organiser_device):
    sign_in_with_password(client, next="https://evil.example/steal")
    response = client.post("/organisers/sign-in/code/", {"code": current_code(organiser_device)})
    assert response["Location"] == "/admin/"


def test_signing_out_is_audited_and_closes_the_admin(organiser_client, organiser):
    response = organiser_client.post("/organisers/sign-out/")
    assert response["Location"] == "/"
    assert organiser_client.get("/admin/").status_code == 302
    assert AuditEntry.objects.filter(action="staff.signed_out", actor=organiser).exists()


def test_signing_out_needs_a_post(organiser_client):
    assert organiser_client.get("/organisers/sign-out/").status_code == 405


def test_ensure_organiser_creates_one_account_once(client):
    out = StringIO()
    call_command("ensure_organiser", stdout=out)
    first = out.getvalue()
    password = next(line.split()[-1] for line in first.splitlines() if "Password:" in line)
    setup_code = next(line.split()[2] for line in first.splitlines() if "Set-up code:" in line)
    user = get_user_model().objects.get(username="organiser")
    assert user.is_superuser and user.check_password(password)
    assert "http://127.0.0.1:8000/admin/" in first
    sign_in_with_password(client, password=password)
    client.post("/organisers/sign-in/set-up/", {"setup_code": setup_code})
    assert "<svg" in client.get("/organisers/sign-in/set-up/").content.decode()

    again = StringIO()
    call_command("ensure_organiser", stdout=again)
    assert "Organiser account(s): organiser." in again.getvalue()
    assert password not in again.getvalue()
    assert get_user_model().objects.count() == 1


def test_reset_two_factor_removes_the_authenticator_and_gives_a_set_up_code(
    organiser, organiser_device
):
    out = StringIO()
    call_command("reset_two_factor", "organiser", stdout=out)
    assert not TOTPDevice.objects.filter(user=organiser).exists()
    assert AuditEntry.objects.filter(action="staff.two_factor_reset").exists()
    code = out.getvalue().rsplit(": ", 1)[1].strip()
    assert check_password(code.replace("-", ""), organiser.setup_code.code_hash)
    with pytest.raises(CommandError, match="no account with the username 'nobody'"):
        call_command("reset_two_factor", "nobody")


def test_a_second_organiser_sets_up_their_own_authenticator(client):
    TOTPDeviceFactory(user=OrganiserFactory(username="first"))
    second = OrganiserFactory(username="second")
    code = staff_setup_code_issue(user=second)
    sign_in_with_password(client, username="second")
    assert client.get("/organisers/sign-in/code/")["Location"] == "/organisers/sign-in/set-up/"
    client.post("/organisers/sign-in/set-up/", {"setup_code": code})
    client.get("/organisers/sign-in/set-up/")
    assert TOTPDevice.objects.filter(user=second, confirmed=False).count() == 1


def test_an_organiser_who_loses_access_is_signed_out_not_sent_round_in_circles(
    organiser_client, organiser
):
    organiser.is_staff = False
    organiser.save()

    response = organiser_client.get("/admin/", follow=True)

    assert response.status_code == 200
    assert "Organiser sign-in" in response.content.decode()
    assert len(response.redirect_chain) <= 3
    assert not response.wsgi_request.user.is_authenticated


def test_behind_a_proxy_the_lockout_applies_to_the_visitor_not_the_proxy(
    client, organiser, settings
):
    settings.PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/organisers/sign-in/", {"username": "organiser", "password": "guess"}, **attacker
        )

    organiser_visit = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    response = client.post(
        "/organisers/sign-in/", {"username": "organiser", "password": PASSWORD}, **organiser_visit
    )
    assert response.status_code == 302, "the organiser's own address is not locked out"
    spoofed = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}
    response = client.post(
        "/organisers/sign-in/", {"username": "organiser", "password": PASSWORD}, **spoofed
    )
    assert response.status_code == 429, "a forged X-Forwarded-For entry does not escape the lock"


def test_the_audit_log_records_the_visitors_address_behind_a_proxy(
    client, organiser, organiser_device, settings
):
    settings.PROXY_COUNT = 1
    visit = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    client.post("/organisers/sign-in/", {"username": "organiser", "password": PASSWORD}, **visit)
    client.post("/organisers/sign-in/code/", {"code": current_code(organiser_device)}, **visit)
    assert AuditEntry.objects.get(action="staff.signed_in").ip_address == "203.0.113.9"


def test_account_changes_in_the_admin_are_audited(organiser_client, organiser):
    volunteer = OrganiserFactory(username="volunteer", is_superuser=False)
    form = {
        "username": "volunteer",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-11-30",
        "date_joined_1": "09:00:00",
    }
    response = organiser_client.post(f"/admin/auth/user/{volunteer.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="content.changed", object_type="auth.user")
    assert entry.actor == organiser
    assert "Superuser status" in entry.summary


def test_removing_an_authenticator_in_the_admin_is_audited(organiser_client):
    other = TOTPDeviceFactory(user=OrganiserFactory(username="lostphone"))
    response = organiser_client.post(
        f"/admin/otp_totp/totpdevice/{other.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action="content.deleted", object_type="otp_totp.totpdevice"
    ).exists()
