from django.apps import AppConfig


class CertificationConfig(AppConfig):
    """Everything after the exam: agency membership and employment verification, certificates,
    public verification and signed credentials, renewals, CEUs and audits, the yearly status
    changes. `enrollment` keeps the application and the classroom."""

    name = "certification"
    verbose_name = "Certification"
