from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outboundemail_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="from_email",
            field=models.CharField(
                blank=True, help_text="Blank for the site's DEFAULT_FROM_EMAIL.", max_length=400
            ),
        ),
    ]
