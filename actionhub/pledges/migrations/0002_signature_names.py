from django.db import migrations, models


def copy_names_from_people(apps, schema_editor):
    Signature = apps.get_model("pledges", "Signature")
    for signature in Signature.objects.select_related("person").iterator(chunk_size=2000):
        Signature.objects.filter(pk=signature.pk).update(
            first_name=signature.person.first_name, last_name=signature.person.last_name
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0001_initial"),
        ("supporters", "0005_person_names_as_given"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="first_name",
            field=models.CharField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signature",
            name="last_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(copy_names_from_people, migrations.RunPython.noop),
    ]
