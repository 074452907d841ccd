"""Certification in the Wagtail admin (staff back office): viewsets, listing filters and
exports for certificates, renewals, CEU audits and employment verifications are registered
here with `wagtail.hooks.register`."""
