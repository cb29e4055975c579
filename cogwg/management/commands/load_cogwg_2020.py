"""Load the built-in demo data: the COGWG 2020 work plan from the Joint Councils deck of
27 February 2020. Safe to run again: it restores the deck's texts and changes nothing else."""

from django.core.management.base import BaseCommand

from cogwg.demo.loader import CREATED, UNCHANGED, UPDATED, load_cogwg_2020


class Command(BaseCommand):
    help = "Load (or restore) the COGWG 2020 work plan from the Joint Councils deck of 2020-02-27, in both languages."

    def handle(self, *args, **options):
        counts = load_cogwg_2020()
        self.stdout.write("COGWG 2020 demo data (Joint Councils, 2020-02-27):")
        for label, tally in counts.items():
            self.stdout.write(f"  {label.replace('_', ' ')}: {self.summary(tally)}")
        totals = {state: sum(tally[state] for tally in counts.values()) for state in (CREATED, UPDATED, UNCHANGED)}
        self.stdout.write(self.style.SUCCESS(f"Done: {self.summary(totals)}."))

    @staticmethod
    def summary(tally):
        return f"{tally[CREATED]} created, {tally[UPDATED]} updated, {tally[UNCHANGED]} unchanged"
