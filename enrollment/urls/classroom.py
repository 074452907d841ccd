"""Classroom pages, mounted at /classroom/ (see lms/urls.py)."""

from django.urls import path

from enrollment.views import classroom as views

app_name = "classroom"

urlpatterns = [
    path("", views.booking_page, name="registration-list"),
    path("sessions/<int:session_pk>/book/", views.registration_book, name="registration-book"),
    path("sessions/<int:session_pk>/waitlist/", views.waitlist_join, name="waitlist-join"),
    path("bookings/<int:pk>/move/", views.registration_move, name="registration-move"),
    path("bookings/<int:pk>/cancel/", views.registration_cancel, name="registration-cancel"),
    path(
        "bookings/<int:pk>/calendar.ics",
        views.registration_calendar,
        name="registration-calendar",
    ),
    path("waitlist/<int:pk>/claim/", views.waitlist_claim, name="waitlist-claim"),
    path("waitlist/<int:pk>/leave/", views.waitlist_leave, name="waitlist-leave"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/feed.ics", views.calendar_feed, name="calendar-feed"),
    path("trainer/", views.trainer_sessions, name="trainer-session-list"),
    path("trainer/sessions/<int:pk>/", views.trainer_session, name="trainer-session-detail"),
    path(
        "trainer/sessions/<int:pk>/sign-in-sheet.pdf",
        views.signin_sheet,
        name="trainer-signin-sheet",
    ),
    path("trainer/sessions/<int:pk>/roster.csv", views.roster_export, name="trainer-roster-export"),
]
