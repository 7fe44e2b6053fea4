from django.core.management.base import BaseCommand, CommandError

from actionhub.campaigns.packs import InvalidPack
from actionhub.campaigns.services import AdminEditsWouldBeLost, campaign_pack_load


class Command(BaseCommand):
    help = (
        "Load a campaign pack (a folder with campaign.yaml). Loading an unchanged pack again "
        "changes nothing; a pack with problems is refused and the site keeps its content."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The pack's folder, e.g. campaign_packs/uyghur-solidarity")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if the pack is unchanged since it was last loaded, replacing edits "
            "made in the admin.",
        )

    def handle(self, *args, path, force, **options):
        try:
            report = campaign_pack_load(folder=path, force=force)
        except InvalidPack as invalid:
            lines = "\n".join(f"  {problem}" for problem in invalid.problems)
            raise CommandError(
                f"The campaign pack in {path} was not loaded; the site keeps its current "
                f"content. Problems found:\n{lines}"
            ) from None
        except AdminEditsWouldBeLost as conflict:
            lines = "\n".join(
                f"  {entry.at:%Y-%m-%d %H:%M} {entry.actor_label or 'someone'}: {entry.summary}"
                for entry in conflict.edits
            )
            raise CommandError(
                f"The campaign pack in {path} has changed, and organisers have edited this "
                f"campaign in the admin since it was last loaded:\n{lines}\n"
                "Loading the pack would replace those edits, so it was not loaded; the site keeps "
                "its current content. Copy the edits into the pack, then load it with --force."
            ) from None
        self.stdout.write(str(report))
