import factory

from actionhub.parliament.models import MP, Constituency, Postcode


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency

    gss_code = factory.Sequence(lambda n: f"E1400{n:04d}")
    name = factory.Sequence(lambda n: f"Constituency {n}")
    nation = "England"
    hex_q = 1
    hex_r = 1


class MPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MP

    member_id = factory.Sequence(lambda n: 800000 + n)
    name = factory.Sequence(lambda n: f"Demo MP {n}")
    party = "Demo data"
    email = factory.Sequence(lambda n: f"demo-mp-{n}@example.invalid")
    constituency = factory.SubFactory(ConstituencyFactory)


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode

    postcode = factory.Sequence(lambda n: f"N{n % 20 + 1} {n % 10}AA")
    constituency = factory.SubFactory(ConstituencyFactory)
