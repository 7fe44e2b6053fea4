from django.db import migrations, models

# The words leaders agreed to before news for group leaders was asked for on its own.
BUNDLED_WORDING = (
    "Keep my name and email address to run my group's page, and email me its private link "
    "and news for group leaders"
)


def news_consents_from_bundled(apps, schema_editor):
    """Leaders who agreed to the old words agreed to news too: that consent is recorded on its
    own, with the words they saw, so they can stop it without leaving their group."""
    Consent = apps.get_model("supporters", "Consent")
    bundled = Consent.objects.filter(purpose="group-leader", wording=BUNDLED_WORDING)
    for consent in bundled.iterator():
        Consent.objects.create(
            person_id=consent.person_id, purpose="group-news", wording=consent.wording,
            wording_version=consent.wording_version,
            method=f"{consent.method} (news for group leaders was part of these words)",
            given_at=consent.given_at, withdrawn_at=consent.withdrawn_at,
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0002_event_proposals"),
        ("supporters", "0008_alter_consent_purpose"),
    ]

    operations = [
        migrations.AddField(
            model_name="leader",
            name="news_wanted",
            field=models.BooleanField(
                default=False,
                help_text="Asked for news for group leaders: recorded as consent once they "
                "confirm.",
            ),
        ),
        migrations.RunPython(news_consents_from_bundled, migrations.RunPython.noop),
    ]
