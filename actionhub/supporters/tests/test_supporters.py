import pytest

from actionhub.core.addresses import normalise_email
from actionhub.supporters.services import person_get_or_create
from actionhub.supporters.tests.factories import ConsentFactory, PersonFactory


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Miriam.Cohen@Example.ORG", "miriam.cohen@example.org"),
        ("miriam.cohen+pledge@gmail.com", "miriamcohen@gmail.com"),
        ("M.I.R.I.A.M@googlemail.com", "miriam@gmail.com"),
        ("miriam+uyghurs@outlook.com", "miriam@outlook.com"),
        ("miriam+uyghurs@example.org", "miriam+uyghurs@example.org"),
        ("first.last@example.org", "first.last@example.org"),
        ("  MIRIAM@EXAMPLE.ORG  ", "miriam@example.org"),
        ("ｍｉｒｉａｍ@ｅｘａｍｐｌｅ.ｏｒｇ", "miriam@example.org"),  # full-width letters
        ("miriam＠example.org", "miriam@example.org"),  # a full-width @
        ("miriam@examp\u217ce.org", "miriam@example.org"),  # ⅼ, the Roman numeral fifty
        ("miriam@EXAMPLE.org.", "miriam@example.org"),
        ("miriam@Bücher.example", "miriam@xn--bcher-kva.example"),
        ("miriam@xn--bcher-kva.example", "miriam@xn--bcher-kva.example"),
    ],
)
def test_one_mailbox_has_one_normalised_form(typed, normalised):
    assert normalise_email(typed) == normalised


@pytest.mark.django_db
def test_the_same_person_is_found_however_the_address_is_typed():
    first = person_get_or_create(
        email="Miriam.Cohen@gmail.com", first_name="Miriam", last_name="Cohen"
    )
    again = person_get_or_create(email="miriamcohen+x@GMAIL.com", first_name="M", last_name="C")
    assert first == again
    assert again.first_name == "Miriam"


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", [PersonFactory, ConsentFactory])
def test_each_factory_builds_a_valid_saved_object(factory_class):
    instance = factory_class()
    instance.full_clean()
    assert type(instance).objects.filter(pk=instance.pk).exists()
