import pytest

from actionhub.campaigns.tests import factories

ALL_FACTORIES = [
    factories.CampaignFactory,
    factories.PledgeFactory,
    factories.PledgeDemandFactory,
    factories.AppealFactory,
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
