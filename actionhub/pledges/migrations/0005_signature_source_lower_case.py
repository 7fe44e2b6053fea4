from django.db import migrations
from django.db.models.functions import Lower


def lower_case_sources(apps, schema_editor):
    """Source codes are kept in lower case, as group codes are: `Shul` and `shul` are one."""
    Signature = apps.get_model("pledges", "Signature")
    Signature.objects.exclude(source=Lower("source")).update(source=Lower("source"))


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0004_invalidation_batches_and_export_requests"),
    ]

    operations = [
        migrations.RunPython(lower_case_sources, migrations.RunPython.noop),
    ]
