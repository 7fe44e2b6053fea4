import factory

from actionhub.brands.models import Brand
from actionhub.campaigns.models import Campaign


class BrandFactory(factory.django.DjangoModelFactory):
    """A brand of the default campaign (load it first)."""

    class Meta:
        model = Brand

    campaign = factory.LazyFunction(lambda: Campaign.objects.get(is_default=True))
    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    sector = "Clothing"
    country = "United Kingdom"
