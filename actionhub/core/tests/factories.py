import factory

from actionhub.core import models


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AuditEntry

    action = "content.changed"
    actor_label = "organiser"
    summary = "Edited the appeal"


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OutboundEmail

    to = factory.LazyFunction(lambda: ["supporter@example.org"])
    subject = "Please confirm"
    body = "Follow the link."
