from django.contrib import admin
from django.db.models import Exists, OuterRef, Subquery

from actionhub.core.admin import ReadOnlyModelAdmin
from actionhub.core.audit import audit_record
from actionhub.supporters.models import Person
from actionhub.supporters.selectors import campaign_email_consents_standing

TITLE = "Supporters who want to hear more"


def _standing_consents():
    """Each person's consents to campaign emails that have not been withdrawn, first first."""
    return campaign_email_consents_standing(OuterRef("pk")).order_by("given_at", "pk")


@admin.register(Person)
class HearingMoreAdmin(ReadOnlyModelAdmin):
    """The people behind the dashboard's "Supporters who want to hear more": those who agreed to
    campaign emails and have not withdrawn. Their names and email addresses are personal data:
    the list needs its own permission (the data protection lead's), shows no one else, and each
    time it or one person is opened is written to the audit log. There is no search and no
    filter in the address: either would be by name or email address."""

    list_display = ["name", "email", "agreed_at", "method"]
    list_display_links = ["name"]
    fields = ["name", "email", "agreed_at", "method"]

    def get_queryset(self, request):
        standing = _standing_consents()
        return (
            super()
            .get_queryset(request)
            .filter(Exists(standing))
            .annotate(
                agreed_at=Subquery(standing.values("given_at")[:1]),
                method=Subquery(standing.values("method")[:1]),
            )
            .order_by("-agreed_at")
        )

    @admin.display(description="Name")
    def name(self, person):
        return " ".join(filter(None, [person.first_name, person.last_name]))

    @admin.display(description="Agreed on", ordering="agreed_at")
    def agreed_at(self, person):
        return person.agreed_at

    @admin.display(description="How")
    def method(self, person):
        return person.method

    def lookup_allowed(self, lookup, value, request=None):
        """No filter typed into the address: it would say whether someone is on the list."""
        return False

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            audit_record(
                action="supporters.listed", request=request,
                summary=f"Listed the {TITLE.lower()}: names and email addresses",
            )  # fmt: skip
        return super().changelist_view(request, {"title": TITLE, **(extra_context or {})})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if object_id and response.status_code == 200:
            audit_record(action="supporter.viewed", request=request,
                         summary=f"Viewed supporter {object_id}")  # fmt: skip
        return response
