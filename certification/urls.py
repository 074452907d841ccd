"""Certification addresses, included at the site root (before Wagtail's catch-all) in
`lms/urls.py`. URL names are `certification:<entity>-<action>`."""

from django.urls import URLPattern

app_name = "certification"

urlpatterns: list[URLPattern] = []
