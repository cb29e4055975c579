from django.core.management.base import BaseCommand, CommandError

from stories.ckan import CkanError, NotADatasetUrl
from stories.services import dataset_add_from_url


class Command(BaseCommand):
    help = (
        "Add a dataset from its page on a CKAN portal (e.g. https://open.canada.ca/data/en/dataset/<id>), "
        "or from a portal's base URL and --id; fetches its metadata with package_show."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="the dataset's page URL, or the portal's base URL with --id")
        parser.add_argument("--id", dest="ckan_id", default="", help="the dataset's CKAN id or name")

    def handle(self, *args, url, ckan_id, **options):
        try:
            dataset, created = dataset_add_from_url(url=url, ckan_id=ckan_id)
        except (NotADatasetUrl, CkanError) as exc:
            raise CommandError(str(exc)) from exc
        verb = "Added" if created else "Refreshed"
        formats = ", ".join(dataset.formats) or "no resources"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} dataset {dataset.pk}: {dataset.title_en} / {dataset.title_fr or '-'} ({formats})"
            )
        )
