"""The suppression list keeps a keyed hash of each address, so that an erasure can remove the
address and keep the entry: whoever bounced for good or reported us as spam still gets no email
once erased."""

from django.db import migrations, models
from django.utils.crypto import salted_hmac

from actionhub.core.addresses import normalise_email


SALT = "actionhub.core.SuppressedAddress.address_hash"  # as core.models.SUPPRESSION_HASH_SALT


def _hash(address: str) -> str:  # as core.models.suppressed_address_hash when this was written
    return salted_hmac(SALT, normalise_email(address), algorithm="sha256").hexdigest()


def hashes_fill(apps, schema_editor):
    """Give each entry the keyed hash of the mailbox its address reaches. Two entries for one
    mailbox (`Ruth.Cohen@gmail.com` and `ruthcohen@gmail.com`) become one, the earliest, which
    is a complaint if either was: an objection outweighs a dead mailbox."""
    SuppressedAddress = apps.get_model("core", "SuppressedAddress")
    kept = {}
    for entry in SuppressedAddress.objects.filter(address_hash="").exclude(address="").order_by(
        "created_at", "pk"
    ):
        hashed = _hash(entry.address)
        first = kept.get(hashed)
        if first is None:
            kept[hashed] = entry
            entry.address_hash = hashed
            entry.save(update_fields=["address_hash"])
            continue
        if entry.reason == "complained" and first.reason != "complained":
            first.reason = "complained"
            first.save(update_fields=["reason"])
        entry.delete()


def erased_entries_delete(apps, schema_editor):
    """Back to a list that holds only addresses: an entry whose address was erased cannot be
    kept there, so it goes, as erasure did before (its owner may be emailed again)."""
    SuppressedAddress = apps.get_model("core", "SuppressedAddress")
    SuppressedAddress.objects.filter(address="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_suppressedaddress_outboundemail_html"),
    ]

    operations = [
        migrations.AddField(
            model_name="suppressedaddress",
            name="address_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="suppressedaddress",
            name="address",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Case-folded; removed (blank) once its owner is erased.",
                max_length=254,
            ),
        ),
        migrations.AddConstraint(
            model_name="suppressedaddress",
            constraint=models.UniqueConstraint(
                condition=models.Q(("address", ""), _negated=True),
                fields=("address",),
                name="core_suppressedaddress_address_unique",
            ),
        ),
        # Reversed, this runs before the address is made unique again, which blank ones are not.
        migrations.RunPython(hashes_fill, erased_entries_delete),
        migrations.AlterField(
            model_name="suppressedaddress",
            name="address_hash",
            field=models.CharField(
                help_text="Keyed hash of the mailbox (core.models.suppressed_address_hash).",
                max_length=64,
                unique=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="suppressedaddress",
            constraint=models.CheckConstraint(
                condition=models.Q(("address_hash", ""), _negated=True),
                name="core_suppressedaddress_hash_given",
            ),
        ),
    ]
