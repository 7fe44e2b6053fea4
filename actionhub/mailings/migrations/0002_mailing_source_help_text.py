from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mailings", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mailing",
            name="source",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Only people who signed, wrote or said they are coming through a link with "
                    "this ?source= code; with “Who did”, only those who did that through it."
                ),
                max_length=40,
                verbose_name="source code",
            ),
        ),
    ]
