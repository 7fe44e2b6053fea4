import pytest

from actionhub.staff.tests.factories import PASSWORD, OrganiserFactory, TOTPDeviceFactory


@pytest.mark.django_db
def test_the_organiser_factory_builds_a_staff_user_who_can_sign_in():
    organiser = OrganiserFactory()
    organiser.full_clean()
    assert organiser.is_staff and organiser.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_device_factory_builds_a_confirmed_authenticator():
    device = TOTPDeviceFactory()
    device.full_clean()
    assert device.confirmed and device.user.is_staff
