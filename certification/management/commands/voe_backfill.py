from django.core.management.base import BaseCommand

from certification.services.verification import verification_requests_backfill


class Command(BaseCommand):
    help = (
        "Send a verification-of-employment request for every running application approved "
        "before verification existed (safe to run twice)."
    )

    def handle(self, *args, **options):
        sent = verification_requests_backfill()
        self.stdout.write(self.style.SUCCESS(f"{sent} verification request(s) sent."))
