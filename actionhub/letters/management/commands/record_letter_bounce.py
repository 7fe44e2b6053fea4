from actionhub.core.management.commands import record_bounce


class Command(record_bounce.Command):
    """The name mail servers were first set up with; it reads every kind of report now."""
