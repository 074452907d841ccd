"""Certification addresses, included at the site root (before Wagtail's catch-all) in
`lms/urls.py`. URL names are `certification:<entity>-<action>`."""

from django.urls import URLPattern, path

from certification.views import agency, renewal, verification

app_name = "certification"

urlpatterns: list[URLPattern] = [
    path("agency/", agency.portal, name="agency-portal"),
    path("agency/staff.csv", agency.staff_csv, name="agency-staff-csv"),
    path("agency/verifications/<int:pk>/", agency.verification, name="agency-verification"),
    path(
        "agency/employment/<int:pk>/end/",
        agency.employment_end_view,
        name="agency-employment-end",
    ),
    path("agency/roster/", agency.roster, name="agency-roster"),
    path("agency/alerts/", agency.alerts, name="agency-alerts"),
    path("employment-verification/", verification.status, name="verification-status"),
    path(
        "employment-verification/<int:pk>/remind/",
        verification.remind,
        name="verification-remind",
    ),
    path("renewal/audit-draw/", renewal.audit_draw, name="audit-draw"),
]
