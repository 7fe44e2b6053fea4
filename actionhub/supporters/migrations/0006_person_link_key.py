import secrets

from django.db import migrations, models

import actionhub.supporters.models


def give_each_person_a_key(apps, schema_editor):
    Person = apps.get_model("supporters", "Person")
    for person in Person.objects.filter(link_key=None).iterator():
        Person.objects.filter(pk=person.pk).update(link_key=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0005_person_names_as_given"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="link_key",
            field=models.CharField(editable=False, max_length=43, null=True),
        ),
        migrations.RunPython(give_each_person_a_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="link_key",
            field=models.CharField(
                default=actionhub.supporters.models.new_link_key,
                editable=False,
                help_text="Random: the key in this person's unsubscribe and erase links.",
                max_length=43,
                unique=True,
            ),
        ),
    ]
