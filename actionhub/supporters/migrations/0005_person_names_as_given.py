from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supporters", "0004_consent_pass_to_brand"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="first_name",
            field=models.CharField(
                help_text="The first name, or the whole name as the person gave it.",
                max_length=100,
                verbose_name="name",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="last_name",
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
