"""Events proposed by a leader who has since gone (erased, removed or stepped down) and never
published kept what the leader wrote: they go, as they now go when a leader leaves."""

from django.db import migrations


def unpublished_proposals_of_leaders_gone_delete(apps, schema_editor):
    EventProposal = apps.get_model("groups", "EventProposal")
    EventProposal.objects.filter(proposed_by__isnull=True).exclude(status="approved").delete()


class Migration(migrations.Migration):
    dependencies = [("groups", "0003_group_news_consents")]

    operations = [
        migrations.RunPython(unpublished_proposals_of_leaders_gone_delete, migrations.RunPython.noop)
    ]
