"""``manage.py generate_demo --scale N``: N generated copies of the 2020 work plan, for
benchmarks and load tests (cogwg/demo/generate.py). Deterministic for a given N."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from cogwg.demo.generate import generate, generated_scale, remove_generated


class Command(BaseCommand):
    help = "Generate N copies of the 2020 work plan with their history, stories and datasets (scale data)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help="How many copies of the 2020 plan (1 or more).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete previously generated data first (never real data)."
        )

    def handle(self, *args, scale, reset, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        started = time.monotonic()
        existing = generated_scale()
        if existing and not reset:
            if existing == scale:
                self.stdout.write(f"Generated data at scale {scale} is already there: nothing to do.")
                return
            raise CommandError(
                f"Generated data at scale {existing} is already there; add --reset to replace it by scale {scale}."
            )
        if existing:
            try:
                removed = remove_generated()
            except ProtectedError as exc:
                raise CommandError(f"Real data points at generated rows, nothing was deleted: {exc}") from exc
            self.stdout.write(f"Removed the generated data at scale {existing} ({sum(removed.values())} rows).")
        counts = generate(scale=scale)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Generated scale {scale} in {elapsed:.1f} s:"))
        for label, count in counts.items():
            self.stdout.write(f"    {label}: {count}")
