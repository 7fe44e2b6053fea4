from django.db import models

NATIONS = {"E": "England", "S": "Scotland", "W": "Wales", "N": "Northern Ireland"}


class Constituency(models.Model):
    gss_code = models.CharField("ONS GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=100)
    nation = models.CharField(max_length=20)
    hex_q = models.IntegerField(null=True, blank=True, help_text="Column on the hex map.")
    hex_r = models.IntegerField(null=True, blank=True, help_text="Row on the hex map.")

    class Meta:
        verbose_name_plural = "constituencies"
        ordering = ["name"]

    def __str__(self):
        return self.name


class MP(models.Model):
    member_id = models.PositiveIntegerField("Parliament member id", unique=True)
    name = models.CharField(max_length=150, help_text="As Parliament displays it.")
    party = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    constituency = models.OneToOneField(
        Constituency, on_delete=models.SET_NULL, null=True, blank=True, related_name="mp"
    )
    since = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "MP"
        verbose_name_plural = "MPs"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.party})"


class Postcode(models.Model):
    postcode = models.CharField(max_length=8, primary_key=True, help_text="Normalised: SW1A 1AA.")
    constituency = models.ForeignKey(
        Constituency, on_delete=models.SET_NULL, null=True, blank=True, related_name="postcodes"
    )
    terminated = models.BooleanField(default=False)

    def __str__(self):
        return self.postcode
