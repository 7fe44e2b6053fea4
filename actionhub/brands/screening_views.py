"""Uploading a supplier list (organisers, or a brand through its private link) and the results."""

import csv

from django import forms
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from actionhub.brands.models import ScreeningLink, ScreeningResult, ScreeningRun
from actionhub.brands.screening import (
    screening_results_csv_rows,
    screening_run,
    screening_upload_rate_check,
)
from actionhub.brands.supplier_files import (
    MAX_BYTES,
    MAX_SUPPLIERS,
    UploadRefused,
    suppliers_read,
)
from actionhub.core.ip import client_ip


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Supplier list",
        help_text=f"A CSV file or an Excel workbook (.xlsx) whose first row names the columns "
        f"name, address and country; up to {MAX_SUPPLIERS:,} suppliers.",
        error_messages={
            "required": "Choose the file with your supplier list.",
            "empty": "The file is empty: choose the file with your supplier list.",
        },
    )


def shown_filename(name: str) -> str:
    """The file's name as messages and the results show it: one line, not too long."""
    name = " ".join("".join(c for c in name if c.isprintable()).split())
    stem, dot, extension = name.rpartition(".")
    if not stem.strip():
        return f"Your file{dot}{extension}" if dot else "Your file"
    return name if len(name) <= 100 else f"{name[:90]}….{extension[:8]}"


def upload(request, *, link=None, template="brands/screening_upload.html", context=None):
    """The upload form; on success, the results page. Used by the admin view too."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        filename = shown_filename(file.name)
        try:
            screening_upload_rate_check(link=link, ip_address=client_ip(request))
            if file.size > MAX_BYTES:  # refused before it is read into memory
                raise UploadRefused(
                    f"{filename} is larger than 10 MB. Split it into smaller files."
                )
            suppliers = suppliers_read(data=file.read(), filename=filename)
            run = screening_run(
                suppliers=suppliers, filename=filename, link=link,
                uploaded_by=request.user if request.user.is_authenticated else None,
            )  # fmt: skip
        except UploadRefused as refused:
            form.add_error("file", str(refused))
        else:
            response = redirect("screening-results", run.token)
            response.status_code = 303
            return response
    context = (context or {}) | {"form": form, "link": link}
    return render(request, template, context, status=400 if form.errors else 200)


@never_cache
def brand_upload(request, token):
    link = get_object_or_404(ScreeningLink.objects.select_related("brand"), token=token)
    if link.expires_at <= timezone.now():
        return render(request, "brands/screening_expired.html", status=410)
    return upload(request, link=link)


def _run(token) -> ScreeningRun | None:
    """The run its results link is for; None once the brand's own link has expired (its
    results go with it: whoever holds the results link then has no more use for it)."""
    run = get_object_or_404(ScreeningRun.objects.select_related("link"), token=token)
    if run.link is not None and run.link.expires_at <= timezone.now():
        return None
    return run


@never_cache
def results(request, token):
    run = _run(token)
    if run is None:
        return render(request, "brands/screening_expired.html", status=410)
    rows = run.results.select_related("entity__version__entity_list")
    counts = dict.fromkeys(ScreeningResult.Band.values, 0)
    for row in rows:
        counts[row.band] += 1
    context = {
        "run": run,
        "rows": rows,
        "counts": [(label, counts[value]) for value, label in ScreeningResult.Band.choices],
        "versions": run.versions.select_related("entity_list").order_by("entity_list__kind"),
    }
    return render(request, "brands/screening_results.html", context)


class _Echo:
    def write(self, value):
        return value


@never_cache
def results_csv(request, token):
    run = _run(token)
    if run is None:
        return render(request, "brands/screening_expired.html", status=410)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in screening_results_csv_rows(run)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="screening-{run.pk}.csv"'
    return response
