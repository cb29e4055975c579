from django.core.management.base import BaseCommand, CommandError

from cogwg.validation import invalid_records


class Command(BaseCommand):
    help = (
        "List the records the forms would now refuse (saved before a validator was added), "
        "with what is wrong with each; exits with status 1 when there is any."
    )

    def handle(self, *args, **options):
        found = 0
        for record in invalid_records():
            found += 1
            name = f"{record.model._meta.label} #{record.pk} ({record.label})"
            for field, messages in record.errors.items():
                where = "" if field == "__all__" else f"{field}: "
                for message in messages:
                    self.stdout.write(f"{name}: {where}{message}")
        if found:
            raise CommandError(f"{found} records would be refused by their forms: mend them first.")
        self.stdout.write(self.style.SUCCESS("Every record passes its checks."))
