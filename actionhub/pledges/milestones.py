FIXED_MILESTONES = (1_000, 5_000, 10_000, 25_000, 50_000, 100_000)
STEP_AFTER = 100_000


def next_milestone(count: int) -> int:
    """The next target above `count`: 1,000, 5,000, ... 100,000, then every 100,000."""
    for milestone in FIXED_MILESTONES:
        if count < milestone:
            return milestone
    return (count // STEP_AFTER + 1) * STEP_AFTER


def milestones_passed(count: int) -> list[int]:
    """Every milestone at or below `count`, smallest first."""
    passed = [milestone for milestone in FIXED_MILESTONES if milestone <= count]
    passed += range(2 * STEP_AFTER, count + 1, STEP_AFTER)
    return passed
