from django.db import migrations

# The words leaders agreed to before news for group leaders was asked for on its own.
BUNDLED_WORDING = (
    "Keep my name and email address to run my group's page, and email me its private link "
    "and news for group leaders"
)
# Only the leader who registered a group saw those words (ticked on the form); a co-leader
# confirmed with a button that said nothing of news, so gets no news consent from them.
SAW_THE_WORDS = "Group leader, "
SPLIT_MARK = " (news for group leaders was part of these words)"


def news_consents_from_bundled(apps, schema_editor):
    """Leaders who agreed to the old words agreed to news too: that consent is recorded on its
    own, with the words they saw, so they can stop it without leaving their group."""
    Consent = apps.get_model("supporters", "Consent")
    bundled = Consent.objects.filter(
        purpose="group-leader", wording=BUNDLED_WORDING, method__startswith=SAW_THE_WORDS
    )
    for consent in bundled.iterator():
        split = consent.method + SPLIT_MARK
        if Consent.objects.filter(person_id=consent.person_id, purpose="group-news",
                                  method=split).exists():  # fmt: skip
            continue
        Consent.objects.create(
            person_id=consent.person_id, purpose="group-news", wording=consent.wording,
            wording_version=consent.wording_version, method=split,
            given_at=consent.given_at, withdrawn_at=consent.withdrawn_at,
        )  # fmt: skip


def news_consents_unsplit(apps, schema_editor):
    Consent = apps.get_model("supporters", "Consent")
    Consent.objects.filter(purpose="group-news", method__endswith=SPLIT_MARK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0002_event_proposals"),
        ("supporters", "0008_alter_consent_purpose"),
    ]

    operations = [migrations.RunPython(news_consents_from_bundled, news_consents_unsplit)]
