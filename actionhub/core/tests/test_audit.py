import pytest

from actionhub.core.audit import audit_record
from actionhub.core.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def test_audit_entries_cannot_be_changed_or_deleted():
    entry = audit_record(action="content.changed", summary="Edited the appeal")

    entry.summary = "Nothing happened"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.get().summary == "Edited the appeal"


def test_the_admin_offers_no_way_to_add_change_or_delete_entries(organiser_client):
    audit_record(action="content.changed", summary="Edited the appeal")
    entry = AuditEntry.objects.first()

    assert organiser_client.get("/admin/core/auditentry/").status_code == 200
    assert organiser_client.get("/admin/core/auditentry/add/").status_code == 403
    response = organiser_client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_content_changes_in_the_admin_are_audited(organiser_client, organiser, campaign):
    from actionhub.campaigns.models import Appeal

    appeal = Appeal.objects.get()
    admin_url = f"/admin/campaigns/appeal/{appeal.pk}/change/"
    form = {
        "campaign": appeal.campaign_id,
        "title": appeal.title,
        "summary": appeal.summary,
        "body": appeal.body,
        "url": appeal.url,
        "link_text": appeal.link_text,
        "currency": "GBP",
        "target": "20000",
        "raised": "1500",
        "calls-TOTAL_FORMS": "0",
        "calls-INITIAL_FORMS": "0",
    }

    response = organiser_client.post(admin_url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(action="content.changed").get()
    assert entry.actor == organiser
    assert entry.object_type == "campaigns.appeal"
    assert "Target" in entry.summary and "Raised" in entry.summary
    assert Appeal.objects.get().raised == 1500
