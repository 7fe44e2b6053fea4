"""The console's pages to import the brand list and entity lists: upload, preview, confirm.

Uploading reads the file within the upload limits and plans it, writing nothing. A plan that can
be imported is kept as the organiser's preview (`operations.import_preview`) and shown on a page
of its own with a button to import it; a file with problems is shown again on the upload page,
each problem with its line. Confirming imports the kept file only if it still imports as the
preview showed (`operations.import_confirm`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from actionhub.brands.importers import SpreadsheetImporter
from actionhub.brands.models import PendingImport
from actionhub.brands.operations import (
    PREVIEW_ROWS,
    PreviewGone,
    PreviewOutdated,
    import_allowed,
    import_cancel,
    import_confirm,
    import_preview,
)
from actionhub.brands.screening_views import shown_filename
from actionhub.brands.supplier_files import MAX_BYTES, UploadRefused
from actionhub.core.responses import see_other
from actionhub.core.text import counted

GONE = (
    "That preview is no longer kept: it was imported or cancelled, a newer upload replaced it, "
    "or an hour passed. Upload the file again to see a new preview."
)
OUTDATED = (
    "Nothing has been imported yet: the data changed after your preview (someone edited or "
    "imported meanwhile), so the file would no longer import as it showed. This is the preview "
    "as things stand now: check it, then confirm again."
)


class ImportAdminMixin:
    """Upload and preview pages for a ModelAdmin whose model a file can be imported into.

    The admin that uses it says how, with three methods:
    `make_importer(*, data, filename, cleaned) -> SpreadsheetImporter` (the importer for the
    uploaded file and the form's other fields), `done_message(plan) -> str` (what to say once
    it is imported) and `confirm_label(summary) -> str` (the preview's confirm button).
    """

    import_form_class = None
    importers: tuple[type[SpreadsheetImporter], ...] = ()
    import_title = ""
    has_fields = False  # whether the upload form has fields besides the file

    def import_urls(self) -> list:
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name=name),
            path("import/<int:pk>/", view(self.preview_view), name=f"{name}_preview"),
        ]

    def _url(self, suffix: str = "", *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import{suffix}",
                       args=args)  # fmt: skip

    def _require(self, request) -> None:
        if not import_allowed(actor=request.user, importer=self.importers[0]):
            raise PermissionDenied

    def import_view(self, request):
        self._require(request)
        form = self.import_form_class(request.POST or None, request.FILES or None)
        summary = None
        if request.method == "POST" and form.is_valid():
            try:
                plan, pending, summary = self._preview(request, form)
            except UploadRefused as refused:
                form.add_error("file", str(refused))
            else:
                if pending is not None:
                    return see_other(self._url("_preview", pending.pk))
                form.add_error("file", _refused(plan))
        elif form.errors and "file" not in form.errors and request.FILES:
            form.add_error("file", "Choose the file again: a browser does not keep it.")
        return self._page(request, "admin/brands/import/upload.html", form=form, summary=summary,
                          status=400 if form.errors else 200)  # fmt: skip

    def _preview(self, request, form):
        file = form.cleaned_data["file"]
        filename = shown_filename(file.name)
        if file.size > MAX_BYTES:  # refused before it is read into memory
            raise UploadRefused(f"{filename} is larger than 10 MB.")
        importer = self.make_importer(data=file.read(), filename=filename,
                                      cleaned=form.cleaned_data)  # fmt: skip
        plan, pending = import_preview(importer=importer, actor=request.user, request=request)
        return plan, pending, importer.summary(plan, rows=PREVIEW_ROWS)

    def preview_view(self, request, pk):
        self._require(request)
        keys = [importer.key for importer in self.importers]
        pending = PendingImport.objects.filter(
            pk=pk, uploaded_by=request.user, importer__in=keys, expires_at__gt=timezone.now()
        ).first()
        if pending is None:
            messages.warning(request, GONE)
            return see_other(self._url())
        if request.method == "POST":
            return self._confirm(request, pending)
        return self._page(request, "admin/brands/import/preview.html", pending=pending,
                          summary=pending.summary, confirm=self.confirm_label(pending.summary),
                          title=f"Check before importing: {pending.filename}")  # fmt: skip

    def _confirm(self, request, pending):
        if "cancel" in request.POST:
            import_cancel(pending=pending, actor=request.user)
            messages.info(request, f"Nothing was imported from {pending.filename}.")
            return see_other(self._url())
        try:
            plan = import_confirm(pending=pending, digest=request.POST.get("digest", ""),
                                  actor=request.user, request=request)  # fmt: skip
        except PreviewOutdated:
            messages.warning(request, OUTDATED)
            return see_other(self._url("_preview", pending.pk))
        except PreviewGone:
            messages.warning(request, GONE)
            return see_other(self._url())
        messages.success(request, self.done_message(plan))
        return see_other(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _page(self, request, template, *, status=200, **context):
        folder = f"admin/{self.opts.app_label}/{self.opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": self.import_title,
            "opts": self.opts,
            "import_url": self._url(),
            "intro_template": f"{folder}/_intro.html",  # what to do, with a sample to start from
            "fields_template": f"{folder}/_fields.html" if self.has_fields else "",
            "columns_template": f"{folder}/_columns.html",  # each column explained
            "plan_template": f"{folder}/_plan.html",  # what the file would change
            **context,
        }
        return TemplateResponse(request, template, context, status=status)


def _refused(plan) -> str:
    lines = counted(len(plan.refusals), "line")
    return (
        f"{plan.filename}: {lines} cannot be imported, so nothing has been. Correct "
        f"{'it' if len(plan.refusals) == 1 else 'them'} (each is listed below, with the problem) "
        "and upload the file again."
    )
