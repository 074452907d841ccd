from django.urls import path

from enrollment.views import applications as views

app_name = "enrollment"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("apply/", views.selfcheck, name="selfcheck"),
    path("apply/start/", views.start, name="application-start"),
    path("application/<int:pk>/", views.application_detail, name="application-detail"),
    path(
        "application/<int:pk>/uploads/<int:upload_pk>/",
        views.upload_download,
        name="upload-download",
    ),
]
