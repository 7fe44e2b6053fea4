import pytest

from actionhub.core.tests.factories import AuditEntryFactory, OutboundEmailFactory


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", [AuditEntryFactory, OutboundEmailFactory])
def test_each_factory_builds_a_valid_saved_object(factory_class):
    instance = factory_class()
    instance.full_clean()
    assert type(instance).objects.filter(pk=instance.pk).exists()
