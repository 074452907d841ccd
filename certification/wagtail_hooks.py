"""Certification in the Wagtail admin (staff back office): viewsets, listing filters and
exports for certificates, renewals, CEU audits and employment verifications are registered
here with `wagtail.hooks.register`, and so are certification's contributions to the hooks the
lower apps call (`application_approved`, `application_exam_passed`,
`application_missing_items`)."""

from wagtail import hooks

from certification.selectors.verification import application_missing_items
from certification.services.verification import (
    application_exam_passed_check,
    verification_request_open,
    verification_requests_close_expired,
)
from enrollment.services.expiry import expiry_hook


@hooks.register("application_approved")
def ask_employer_to_verify(application, actor):
    verification_request_open(application=application, actor=actor)


@hooks.register("application_exam_passed")
def employment_verified_at_exam_pass(application):
    application_exam_passed_check(application)


hooks.register("application_missing_items", application_missing_items)
expiry_hook(verification_requests_close_expired)
