from django.db import models


class DailyCount(models.Model):
    """How many of something happened on one day (UK time), for the dashboard's charts and
    totals: rewritten by a periodic task, never by the request that made the thing."""

    class Measure(models.TextChoices):
        SIGNATURES = "signatures", "Signatures confirmed"
        SOURCES = "sources", "Signatures confirmed, by source code"
        LETTERS_TO_MPS = "letters-to-mps", "Letters to MPs, by way of sending"
        LETTERS_TO_BRANDS = "letters-to-brands", "Letters to brands, by way of sending"
        REPLIES = "replies", "Replies from MPs reported, by kind"

    measure = models.CharField(max_length=24, choices=Measure.choices)
    day = models.DateField()
    key = models.CharField(max_length=60, blank=True, help_text="A source, a delivery, a kind.")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "day", "key"], name="one_count_per_day")
        ]

    def __str__(self):
        return f"{self.measure} {self.day} {self.key}: {self.count}"


class Tally(models.Model):
    """A number too costly to count on each page view, counted again by a periodic task."""

    name = models.CharField(max_length=60, unique=True)
    value = models.PositiveIntegerField()
    counted_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "tallies"

    def __str__(self):
        return f"{self.name}: {self.value}"
