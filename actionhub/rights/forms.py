from django import forms

from actionhub.supporters.forms import email_field


class DataLinkRequestForm(forms.Form):
    email = email_field(help_text="The address you gave us: we send the link to it.")
