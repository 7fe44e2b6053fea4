import pytest

from actionhub.parliament.tests.factories import ConstituencyFactory, MPFactory, PostcodeFactory


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", [ConstituencyFactory, MPFactory, PostcodeFactory])
def test_each_factory_builds_a_valid_saved_object(factory_class):
    instance = factory_class()
    instance.full_clean()
    assert type(instance).objects.filter(pk=instance.pk).exists()
