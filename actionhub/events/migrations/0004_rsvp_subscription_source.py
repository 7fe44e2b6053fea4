from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_occurrence_organiser_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="rsvp",
            name="source",
            field=models.CharField(
                blank=True, help_text="From ?source= on the link.", max_length=40
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="source",
            field=models.CharField(
                blank=True, help_text="From ?source= on the link.", max_length=40
            ),
        ),
        migrations.AddIndex(
            model_name="rsvp",
            index=models.Index(
                fields=["occurrence", "source"], name="events_rsvp_occurre_dc568e_idx"
            ),
        ),
    ]
