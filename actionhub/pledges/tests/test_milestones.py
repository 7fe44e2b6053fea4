import pytest

from actionhub.pledges.milestones import milestones_passed, next_milestone


@pytest.mark.parametrize(
    ("count", "target"),
    [(0, 1_000), (999, 1_000), (1_000, 5_000), (24_999, 25_000), (99_999, 100_000),
     (100_000, 200_000), (250_000, 300_000)],
)  # fmt: skip
def test_the_next_milestone(count, target):
    assert next_milestone(count) == target


def test_the_milestones_passed():
    assert milestones_passed(999) == []
    assert milestones_passed(1_000) == [1_000]
    assert milestones_passed(310_000) == [
        1_000,
        5_000,
        10_000,
        25_000,
        50_000,
        100_000,
        200_000,
        300_000,
    ]
