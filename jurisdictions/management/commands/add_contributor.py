"""Create or update a jurisdiction contributor's account: staff, in the contributor group,
bound to the jurisdictions given. A new account's password is printed once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jurisdictions.models import Jurisdiction
from jurisdictions.services import contributor_save


class Command(BaseCommand):
    help = (
        "Create or update the contributor USERNAME, reporting for the jurisdictions given "
        "(and no other); prints a new account's password once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--jurisdiction",
            action="append",
            required=True,
            dest="codes",
            metavar="CODE",
            help="A jurisdiction's code (ON, BC…); repeat for several.",
        )
        parser.add_argument("--email", default="", help="Where the review's e-mails reach them.")

    def handle(self, *args, username, codes, email, **options):
        codes = [code.strip().upper() for code in codes]
        found = Jurisdiction.objects.in_bulk(codes, field_name="code")
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(f"No jurisdiction has the code {', '.join(unknown)}.")
        try:
            account = contributor_save(username=username, jurisdictions=[found[code] for code in codes], email=email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        reports_for = ", ".join(codes)
        if account.created:
            self.stdout.write(self.style.SUCCESS(f"Contributor '{username}' created, reporting for {reports_for}."))
            self.stdout.write("Their password, shown only once (they should change it once signed in):")
            self.stdout.write(f"    {account.password}")
            self.stdout.write(f"Staff also sign in with a second factor: manage.py add_totp_device {username}")
            return
        changes = []
        if account.added:
            changes.append("added " + ", ".join(jurisdiction.code for jurisdiction in account.added))
        if account.removed:
            changes.append("removed " + ", ".join(jurisdiction.code for jurisdiction in account.removed))
        detail = f" ({'; '.join(changes)})" if changes else ""
        self.stdout.write(self.style.SUCCESS(f"Contributor '{username}' updated, reporting for {reports_for}{detail}."))
