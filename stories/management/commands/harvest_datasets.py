from django.core.management.base import BaseCommand

from stories.models import Dataset
from stories.services import datasets_harvest_all


class Command(BaseCommand):
    help = (
        "Refresh every dataset's metadata from its CKAN portal. A dataset that fails keeps its "
        "last metadata and records the error; the others are still harvested."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="only these datasets (primary keys)")

    def handle(self, *args, ids, **options):
        queryset = Dataset.objects.filter(pk__in=ids) if ids else None
        summary = datasets_harvest_all(queryset=queryset)
        for pk, error in summary.failed.items():
            self.stderr.write(f"Dataset {pk}: {error}")
        self.stdout.write(self.style.SUCCESS(f"Harvested {summary.harvested} datasets, {len(summary.failed)} failed."))
