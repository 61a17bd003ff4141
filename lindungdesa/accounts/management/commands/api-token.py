from django.core.management.base import BaseCommand, CommandError

from lindungdesa.accounts.models import User
from lindungdesa.api.auth import token_create


class Command(BaseCommand):
    help = "Membuat token API untuk seorang pengguna dan mencetak kuncinya (hanya sekali)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="baris perintah", help="nama token (bawaan: baris perintah)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Pengguna aktif {options['username']!r} tidak ada.")
        _token, key = token_create(user=user, name=options["name"])
        self.stdout.write(key)
