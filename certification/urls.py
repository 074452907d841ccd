"""Certification addresses, included at the site root (before Wagtail's catch-all) in
`lms/urls.py`. URL names are `certification:<entity>-<action>`. The public ones are fixed by
spec section 7."""

from django.urls import URLPattern, path, re_path

from certification.views import agency, certificates, renewal, renewals, verification

app_name = "certification"

NUMBER = r"(?P<number>[A-Za-z0-9-]{1,32})"

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
    path("certificate/", certificates.certificate_detail, name="certificate-detail"),
    path("certificate/pdf/", certificates.certificate_pdf, name="certificate-pdf"),
    path("verify/", certificates.verify_lookup, name="verify-lookup"),
    re_path(rf"^verify/{NUMBER}\.json$", certificates.verify_json, name="verify-json"),
    re_path(rf"^verify/{NUMBER}/$", certificates.verify_detail, name="verify-detail"),
    re_path(
        rf"^verify/{NUMBER}/credential\.json$",
        certificates.verify_credential,
        name="verify-credential",
    ),
    path("credentials/status/<str:purpose>", certificates.status_list, name="status-list"),
    path(".well-known/did.json", certificates.did_document, name="did-document"),
    path("renewal/audit-draw/", renewal.audit_draw, name="audit-draw"),
    path("renewal/", renewals.renewal_home, name="renewal-home"),
    path("renewal/<int:pk>/", renewals.renewal_detail, name="renewal-detail"),
    path(
        "renewal/<int:pk>/section/<slug:section>/",
        renewals.renewal_section,
        name="renewal-section",
    ),
    path("renewal/<int:pk>/ceus/", renewals.renewal_ceus, name="renewal-ceus"),
    path("renewal/<int:pk>/ceus/<int:ceu_pk>/", renewals.renewal_ceus, name="renewal-ceu-edit"),
    path(
        "renewal/<int:pk>/ceus/<int:ceu_pk>/delete/",
        renewals.renewal_ceu_delete,
        name="renewal-ceu-delete",
    ),
    path(
        "renewal/<int:pk>/ceus/<int:ceu_pk>/document/",
        renewals.renewal_document,
        name="renewal-document",
    ),
    path(
        "renewal/<int:pk>/ceus/<int:ceu_pk>/document/file/",
        renewals.renewal_document_file,
        name="renewal-document-file",
    ),
    path("renewal/<int:pk>/shortfall/", renewals.renewal_shortfall, name="renewal-shortfall"),
    path("renewal/<int:pk>/employment/", renewals.renewal_employment, name="renewal-employment"),
    path("renewal/<int:pk>/sign/", renewals.renewal_sign, name="renewal-sign"),
    path("renewal/<int:pk>/submit/", renewals.renewal_submit, name="renewal-submit"),
    path(
        "renewal/<int:pk>/checkout/cancel/",
        renewals.renewal_checkout_cancel,
        name="renewal-checkout-cancel",
    ),
    path("renewal/<int:pk>/late-fee/", renewals.renewal_late_fee, name="renewal-late-fee"),
    path("renewal/<int:pk>/summary.pdf", renewals.renewal_summary_pdf, name="renewal-summary-pdf"),
]
