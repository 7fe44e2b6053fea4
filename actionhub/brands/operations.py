"""What organisers do with the brand list and the entity lists: import a file, after a preview.

Each operation checks permission, changes the data and writes the audit entry, so that the
console and the management commands behave the same. Importing is two steps in the console:
`import_preview` plans the file (a dry run) and keeps it, with the digest of its plan, as a
`PendingImport`; `import_confirm` plans the kept file again and applies it only if the plan is
the one that was previewed. The commands call `spreadsheet_import`, which is the second step
without a preview.
"""

import hashlib
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from actionhub.brands.importers import IMPORTERS, Plan, SpreadsheetImporter
from actionhub.brands.models import PendingImport
from actionhub.core.audit import audit_record

PREVIEW_KEPT = timedelta(hours=1)
PREVIEW_ROWS = 100  # rows of each kind a preview lists; the others are counted


class PlanRefused(Exception):
    """Some rows cannot be imported, so nothing is: the plan lists them."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__(f"Nothing imported.\n{plan.problems()}")


class PreviewOutdated(Exception):
    """The file would no longer import as it was previewed: the plan is the new one."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__("The data changed after the preview.")


class PreviewGone(Exception):
    """The preview is no longer kept: confirmed, cancelled, replaced, or past its time."""


def import_allowed(*, actor, importer: type[SpreadsheetImporter]) -> bool:
    return actor.has_perms(importer.permissions)


def _check(actor, importer: type[SpreadsheetImporter]) -> None:
    if actor is not None and not import_allowed(actor=actor, importer=importer):
        raise PermissionDenied("You do not have permission to import this list.")


def spreadsheet_import(
    *, importer: SpreadsheetImporter, actor=None, actor_label: str = "", previewed: str = "",
    request=None,
) -> Plan:  # fmt: skip
    """Plan the file and apply the plan, in one transaction, with its audit entry. A file with
    refused rows raises PlanRefused; with `previewed` (the digest of a preview), a plan that is
    not the one previewed raises PreviewOutdated. Either way nothing is written."""
    _check(actor, type(importer))
    with transaction.atomic():
        plan = importer.plan()
        if previewed and plan.digest != previewed:
            raise PreviewOutdated(plan)
        if plan.refused:
            raise PlanRefused(plan)
        try:
            with transaction.atomic():
                importer.apply(plan)
        except IntegrityError:  # another import or edit came first: plan again
            raise PreviewOutdated(importer.plan()) from None
        audit_record(
            action=importer.audit_action, actor=actor, actor_label=actor_label, request=request,
            summary=importer.audit_summary(plan),
        )  # fmt: skip
    return plan


def import_preview(*, importer: SpreadsheetImporter, actor, request=None):
    """Plan the file without writing it. A plan that can be imported is kept for an hour as
    the organiser's preview of its kind (replacing any other); returns (plan, preview or None)."""
    _check(actor, type(importer))
    plan = importer.plan()
    if plan.refused:
        return plan, None
    with transaction.atomic():
        PendingImport.objects.filter(uploaded_by=actor, importer=importer.key).delete()
        pending = PendingImport.objects.create(
            uploaded_by=actor, importer=importer.key, filename=importer.filename[:200],
            data=importer.data, sha256=hashlib.sha256(importer.data).hexdigest(),
            options=importer.options(), digest=plan.digest,
            summary=importer.summary(plan, rows=PREVIEW_ROWS),
            expires_at=timezone.now() + PREVIEW_KEPT,
        )  # fmt: skip
    return plan, pending


def pending_import_importer(pending: PendingImport) -> SpreadsheetImporter:
    data = bytes(pending.data)
    if hashlib.sha256(data).hexdigest() != pending.sha256:
        raise PreviewGone("The kept file is not the one that was previewed.")
    return IMPORTERS[pending.importer].with_options(
        data=data, filename=pending.filename, options=pending.options
    )


def import_confirm(*, pending: PendingImport, digest: str, actor, request=None) -> Plan:
    """Import the previewed file, if it still imports as the preview (`digest`) showed.

    Otherwise PreviewOutdated, and the kept preview becomes the new plan, to be checked and
    confirmed again; PreviewGone if it is no longer kept."""
    try:
        with transaction.atomic():
            pending = _locked(pending, actor)
            if digest != pending.digest:  # another tab showed a later preview
                raise PreviewOutdated(pending_import_importer(pending).plan())
            plan = spreadsheet_import(
                importer=pending_import_importer(pending), actor=actor,
                previewed=pending.digest, request=request,
            )  # fmt: skip
            pending.delete()
    except PreviewOutdated as outdated:
        _refresh(pending, outdated.plan)
        raise
    return plan


def _locked(pending: PendingImport, actor) -> PendingImport:
    found = (
        PendingImport.objects.select_for_update()
        .filter(pk=pending.pk, uploaded_by=actor, expires_at__gt=timezone.now())
        .first()
    )
    if found is None:
        raise PreviewGone("This preview is no longer kept.")
    return found


def _refresh(pending: PendingImport, plan: Plan) -> None:
    """Keep the new plan as the preview to check, for another hour."""
    importer = pending_import_importer(pending)
    PendingImport.objects.filter(pk=pending.pk).update(
        digest=plan.digest, summary=importer.summary(plan, rows=PREVIEW_ROWS),
        expires_at=timezone.now() + PREVIEW_KEPT, updated_at=timezone.now(),
    )  # fmt: skip


def import_cancel(*, pending: PendingImport, actor) -> None:
    PendingImport.objects.filter(pk=pending.pk, uploaded_by=actor).delete()


def pending_imports_delete_expired(*, now=None) -> int:
    """Previews are kept an hour: the files of those not confirmed are deleted after that."""
    deleted, _ = PendingImport.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
