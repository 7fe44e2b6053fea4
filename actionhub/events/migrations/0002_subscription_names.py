from django.db import migrations, models


def copy_names_from_people(apps, schema_editor):
    Subscription = apps.get_model("events", "Subscription")
    for subscription in Subscription.objects.select_related("person").iterator():
        Subscription.objects.filter(pk=subscription.pk).update(
            first_name=subscription.person.first_name, last_name=subscription.person.last_name
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("supporters", "0005_person_names_as_given"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="first_name",
            field=models.CharField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="subscription",
            name="last_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(copy_names_from_people, migrations.RunPython.noop),
    ]
