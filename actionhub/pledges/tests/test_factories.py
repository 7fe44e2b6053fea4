import pytest

from actionhub.pledges.tests.factories import SignatureFactory


@pytest.mark.django_db
def test_the_signature_factory_builds_a_valid_confirmed_signature():
    signature = SignatureFactory()
    signature.full_clean()
    assert signature.status == "confirmed"
    assert signature.email_normalised == signature.person.email_normalised
