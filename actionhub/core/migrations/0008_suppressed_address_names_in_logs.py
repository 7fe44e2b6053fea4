"""The audit log and the admin's history named an entry of the suppression list by its
address (`ruth@example.org (Reported as spam)`), and they outlive an erasure: name it by its
number instead, as it is named now."""

import re

from django.db import migrations

ADDRESS_FIRST = re.compile(r"^\S+@\S+(?= \()")


def _renamed(text: str, pk) -> str:
    return ADDRESS_FIRST.sub(f"Suppressed address {pk}", text, count=1)


def suppressed_address_names_remove(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    for entry in AuditEntry.objects.filter(object_type="core.suppressedaddress"):
        summary = _renamed(entry.summary, entry.object_id)
        if summary != entry.summary:
            AuditEntry.objects.filter(pk=entry.pk).update(summary=summary)
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label="core", model="suppressedaddress").first()
    if kind is None:
        return
    for logged in LogEntry.objects.filter(content_type=kind):
        named = _renamed(logged.object_repr, logged.object_id)
        if named != logged.object_repr:
            LogEntry.objects.filter(pk=logged.pk).update(object_repr=named)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_suppressedaddress_address_hash"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(suppressed_address_names_remove, migrations.RunPython.noop)
    ]
