import pytest
from django.apps import apps

from actionhub.campaigns.tests import factories

ALL_FACTORIES = [
    factories.CampaignFactory,
    factories.PledgeFactory,
    factories.PledgeDemandFactory,
    factories.AppealFactory,
    factories.AppealCallFactory,
    factories.CallToActionFactory,
    factories.DemonstrationFactory,
    factories.LetterTemplateFactory,
    factories.EngagementPlanFactory,
    factories.EngagementStepFactory,
    factories.PageFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", ALL_FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_builds_a_valid_saved_object(factory_class):
    instance = factory_class()
    instance.full_clean()
    assert type(instance).objects.filter(pk=instance.pk).exists()


def test_every_model_of_the_app_has_a_factory():
    covered = {factory_class._meta.model for factory_class in ALL_FACTORIES}
    assert set(apps.get_app_config("campaigns").get_models()) == covered
