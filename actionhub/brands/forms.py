"""The organisers' forms to import the brand list and entity lists."""

from django import forms

from actionhub.brands.importers import OPENSANCTIONS_LICENCE
from actionhub.brands.models import EntityList
from actionhub.core.text import single_line

FILE_HELP = "A CSV file (UTF-8) or an Excel workbook (.xlsx), up to 10 MB."


def _file_field(what: str) -> forms.FileField:
    return forms.FileField(
        label=what.capitalize(),
        help_text=FILE_HELP,
        error_messages={
            "required": f"Choose the file with your {what}.",
            "empty": f"The file is empty: choose the file with your {what}.",
        },
    )


class BrandImportForm(forms.Form):
    file = _file_field("brand list")


class EntityListImportForm(forms.Form):
    file = _file_field("entity list")
    file_format = forms.ChoiceField(
        label="Format",
        choices=[
            ("csv", "Our CSV: name, aliases, country, list, date added, source link"),
            ("opensanctions", "OpenSanctions’ targets.simple.csv, as downloaded"),
        ],
        initial="csv",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the format of the file."},
    )
    licence = forms.CharField(
        label="Licence",
        required=False,
        max_length=200,
        help_text="Under which licence the list is published, such as “CC BY 4.0”. For "
        f"OpenSanctions you may leave it empty: “{OPENSANCTIONS_LICENCE}” is recorded.",
    )
    source = forms.CharField(
        label="Where it came from (optional)",
        required=False,
        max_length=500,
        help_text="The address or publication it was downloaded from. If you leave it empty, "
        "the file’s name is recorded.",
    )
    source_date = forms.DateField(
        label="The list’s own date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date its publisher gives it.",
        error_messages={"invalid": "Enter the list’s date as a date, like 2024-06-12."},
    )
    kind = forms.ChoiceField(
        label="If the file holds a list the site does not have yet",
        required=False,
        choices=[("", "It holds only lists the site has"), *EntityList.Kind.choices],
        initial="",
        widget=forms.RadioSelect,
        help_text="A legal designation (such as the UFLPA Entity List) has legal effect in its "
        "country; a risk indicator (such as research findings) is evidence to weigh.",
    )

    def clean_licence(self):
        return single_line(self.cleaned_data["licence"], "The licence")

    def clean_source(self):
        return single_line(self.cleaned_data["source"], "Where it came from")

    def clean(self):
        data = super().clean()
        if data.get("file_format") == "csv" and not data.get("licence"):
            self.add_error("licence", "Say under which licence the list is published.")
        return data
