from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from lms import views
from lms.doors import (
    document_password_form,
    login_door,
    page_password_form,
    password_reset_door,
)

# One sign-in: Django admin's login answers a signed-in non-staff user with 403 and sends anyone
# else to allauth's login (see lms/doors.py for the other doors).
admin.site.login = secure_admin_login(login_door)

# Signed in without admin rights: the 403 page, not Wagtail's redirect to the login page (which
# allauth sends back to /admin/, for ever).
decorate_urlpatterns(wagtailadmin_urls.urlpatterns, views.admin_door)

handler403 = "lms.views.permission_denied"
handler500 = "lms.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    # Login doors: listed before the apps that would serve their own login forms.
    path("admin/login/", login_door),
    re_path(r"^admin/password_reset/", password_reset_door),
    path("_util/login/", login_door),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        page_password_form,
    ),
    path("documents/authenticate_with_password/<int:restriction_id>/", document_password_form),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("payments/", include("payments.urls")),
    path("exam/", include("exams.urls")),
    path("classroom/", include("enrollment.urls.classroom")),
    path("training-api/", include("courses.urls")),
    path("", include("enrollment.urls.applications")),
    path("", include("certification.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
