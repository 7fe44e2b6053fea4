from datetime import timedelta

from actionhub.console.tallies import daily_counts_refresh, tallies_refresh
from actionhub.core.periodic import periodic


@periodic(every=timedelta(minutes=1))
def count_the_last_two_days():
    daily_counts_refresh()


@periodic(every=timedelta(hours=6))
def count_every_day_again():
    daily_counts_refresh(everything=True)


@periodic(every=timedelta(minutes=10))
def count_the_costly_totals():
    tallies_refresh()
