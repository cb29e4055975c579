"""Give a staff account its second factor: a TOTP device whose otpauth:// address (and
secret) is printed once, to be scanned or typed into an authenticator app."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Create a TOTP device (second factor) for USERNAME and print its otpauth:// address once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="The device's name.")
        parser.add_argument("--replace", action="store_true", help="Delete the user's existing TOTP devices first.")

    def handle(self, *args, username, name, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user '{username}'.")
        devices = TOTPDevice.objects.filter(user=user)
        if devices.exists() and not replace:
            raise CommandError(f"'{username}' already has a TOTP device: use --replace to issue a new one.")
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(self.style.SUCCESS(f"TOTP device created for '{username}'. Shown only once:"))
        self.stdout.write(f"    {device.config_url}")
