"""The three roles organisers are given, each with the least it needs.

`roles_ensure` makes the groups hold exactly these permissions. It runs after every migrate (a
data migration cannot do it: on a fresh database the permissions are only created after the
migrations, in post_migrate) and from `manage.py ensure_roles`.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

ORGANISER = "Organiser"
VOLUNTEER = "Volunteer"
DATA_PROTECTION_LEAD = "Data protection lead"


def _model(app_label: str, model: str, *actions: str) -> set[str]:
    return {f"{app_label}.{action}_{model}" for action in actions}


ALL = ("add", "change", "delete", "view")
CONTENT_MODELS = ["campaign", "pledge", "appeal", "calltoaction", "lettertemplate",
                  "engagementplan", "page", "demonstration"]  # fmt: skip

# Campaign content, actions and reports: counts, never signers' details or exports.
ORGANISER_PERMISSIONS = {
    *(perm for model in CONTENT_MODELS for perm in _model("campaigns", model, *ALL)),
    *_model("events", "series", *ALL),
    *_model("events", "occurrence", *ALL),
    "events.view_attendees",
    "events.change_occurrence_status",
    *(
        perm
        for model in ["brand", "entitylist", "screeninglink"]
        for perm in _model("brands", model, *ALL)
    ),  # fmt: skip
    "brands.view_screeningrun",
    *_model("brands", "entitylistversion", "add", "view"),
    "letters.view_letter_report",
    *_model("parliament", "constituency", "view"),
    *_model("parliament", "mp", "view"),
    "pledges.view_signature",
    "pledges.invalidate_signature",
    "pledges.view_invalidationbatch",
    *_model("mailings", "mailing", *ALL),
    "mailings.send_mailing",
    "mailings.approve_mailing",
    *_model("groups", "group", "view", "change"),
    *_model("groups", "eventproposal", "view"),
    "groups.approve_group",
}

# At the demonstration: the dates, and the check-in page for one of them.
VOLUNTEER_PERMISSIONS = {"events.view_occurrence", "events.view_attendees"}

# Personal data: signers' details, exports and their approval, supporters' requests about their
# data, and the audit log.
DATA_PROTECTION_LEAD_PERMISSIONS = {
    "pledges.view_signature",
    "pledges.view_signer_details",
    "pledges.export_signature",
    "pledges.invalidate_signature",
    "pledges.view_invalidationbatch",
    "pledges.view_exportrequest",
    "letters.view_letter",  # a letter opened shows its writer's name and address
    "letters.view_letter_report",
    "supporters.view_person",  # those who agreed to hear more: names and email addresses
    "core.view_auditentry",
    # Requests about supporters' data: the register, and any supporter's data found by their
    # address, seen, exported and erased.
    "rights.handle_datarequest",
}

ROLES = {
    ORGANISER: ORGANISER_PERMISSIONS,
    VOLUNTEER: VOLUNTEER_PERMISSIONS,
    DATA_PROTECTION_LEAD: DATA_PROTECTION_LEAD_PERMISSIONS,
}


def roles_ensure() -> dict[str, Group]:
    """Create or update each role's group to hold exactly its permissions; returns the groups."""
    groups = {}
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [_permission(dotted) for dotted in sorted(wanted)]
        group.permissions.set([permission for permission in permissions if permission])
        groups[name] = group
    return groups


def _permission(dotted: str) -> Permission | None:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def roles_after_migrate(sender, **kwargs) -> None:
    """post_migrate is sent once per app, after that app's permissions are made: the roles are
    made once, after the last app's."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        roles_ensure()
