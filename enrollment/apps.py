from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = "Enrollment and certification"

    def ready(self) -> None:
        # Registers the expiry hook that releases an expired application's seats.
        from enrollment.services import booking  # noqa: F401
