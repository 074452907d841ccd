from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("lessons/<int:lesson_id>/read/", views.lesson_read, name="lesson-read"),
    path("lessons/<int:lesson_id>/check/<str:block_id>/", views.lesson_check, name="lesson-check"),
]
