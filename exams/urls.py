from django.urls import path

from exams import views

app_name = "exams"

urlpatterns = [
    path("", views.exam_overview, name="exam-overview"),
    path("start/", views.attempt_start_view, name="attempt-start"),
    path("attempt/<int:pk>/", views.attempt_detail, name="attempt-detail"),
    path("attempt/<int:pk>/answer/", views.attempt_answer, name="attempt-answer"),
    path("attempt/<int:pk>/submit/", views.attempt_submit_view, name="attempt-submit"),
    path("attempt/<int:pk>/result/", views.attempt_result, name="attempt-result"),
    path("extra-time/", views.accommodation_request, name="accommodation-request"),
    path(
        "extra-time/<int:pk>/document/",
        views.accommodation_document,
        name="accommodation-document",
    ),
    path("ping/", views.ping, name="ping"),
]
