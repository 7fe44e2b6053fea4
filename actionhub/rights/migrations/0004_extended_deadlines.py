"""Open requests extended before the extension was counted from the first deadline: their
deadline was three months from the day they arrived, which can be a day or two later than
the first deadline and two further months (31 January: 30 April, not 28 April)."""

import calendar
from datetime import date

from django.db import migrations


def _months_after(day: date, months: int) -> date:  # as rights.register.months_after
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def extended_deadlines_recount(apps, schema_editor):
    DataRequest = apps.get_model("rights", "DataRequest")
    for data_request in DataRequest.objects.filter(status="open", extended=True):
        first = _months_after(data_request.received_on, 1)
        deadline = _months_after(first, 2)
        if deadline != data_request.deadline:
            DataRequest.objects.filter(pk=data_request.pk).update(deadline=deadline)


class Migration(migrations.Migration):
    dependencies = [("rights", "0003_prepared_export")]

    operations = [migrations.RunPython(extended_deadlines_recount, migrations.RunPython.noop)]
