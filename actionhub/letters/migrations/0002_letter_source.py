from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="source",
            field=models.CharField(
                blank=True, help_text="From ?source= on the link.", max_length=40
            ),
        ),
        migrations.AddIndex(
            model_name="letter",
            index=models.Index(
                fields=["template", "source"], name="letters_let_templat_328878_idx"
            ),
        ),
    ]
