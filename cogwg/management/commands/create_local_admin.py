"""Create the local development administrator once, with a generated password printed
once. Refuses to run when DEBUG is off: production accounts are created on purpose."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the local 'admin' superuser with a generated password (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("create_local_admin is for local development (DEBUG on) only.")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"The local administrator '{username}' already exists (password shown when created).")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=f"{username}@localhost", password=password)
        self.stdout.write(self.style.SUCCESS("Local administrator created. This password is shown only once:"))
        self.stdout.write(f"    username: {username}\n    password: {password}")
