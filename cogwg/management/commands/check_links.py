from django.core.management.base import BaseCommand

from cogwg.choices import LinkStatus
from cogwg.linkcheck import links_check


class Command(BaseCommand):
    help = (
        "Check every external link held in the data (accomplishments, jurisdictions, stories, datasets) "
        "and store each one's status; the admin lists the broken ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", help="check only these URLs")
        parser.add_argument(
            "--delay", type=float, default=None, help="seconds between two requests to one host (COGWG_LINKCHECK_DELAY)"
        )

    def handle(self, *args, urls, delay, **options):
        counts = links_check(urls=urls or None, delay=delay)
        summary = ", ".join(f"{counts[status]} {status.label.lower()}" for status in LinkStatus)
        self.stdout.write(self.style.SUCCESS(f"Checked {counts.total()} links: {summary}."))
