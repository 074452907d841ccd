"""Certification addresses, included at the site root (before Wagtail's catch-all) in
`lms/urls.py`. URL names are `certification:<entity>-<action>`. The public ones are fixed by
spec section 7."""

from django.urls import path, re_path

from certification import views

app_name = "certification"

NUMBER = r"(?P<number>[A-Za-z0-9-]{1,32})"

urlpatterns = [
    path("certificate/", views.certificate_detail, name="certificate-detail"),
    path("certificate/pdf/", views.certificate_pdf, name="certificate-pdf"),
    path("verify/", views.verify_lookup, name="verify-lookup"),
    re_path(rf"^verify/{NUMBER}\.json$", views.verify_json, name="verify-json"),
    re_path(rf"^verify/{NUMBER}/$", views.verify_detail, name="verify-detail"),
    re_path(
        rf"^verify/{NUMBER}/credential\.json$", views.verify_credential, name="verify-credential"
    ),
    path("credentials/status/<str:purpose>", views.status_list, name="status-list"),
    path(".well-known/did.json", views.did_document, name="did-document"),
]
