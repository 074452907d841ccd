from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "Competency exam"

    def ready(self) -> None:
        from exams import signals

        signals.connect()
