from actionhub.groups.tests.factories import GroupFactory, LeaderFactory


def test_the_factories_make_valid_rows(campaign):
    leader = LeaderFactory()
    leader.full_clean()
    leader.group.full_clean()
    assert GroupFactory().code != leader.group.code
