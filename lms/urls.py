from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from lms import views

# Signed in without admin rights: the 403 page, not Wagtail's redirect to the login page (which
# allauth sends back to /admin/, for ever).
decorate_urlpatterns(wagtailadmin_urls.urlpatterns, views.admin_door)

handler403 = "lms.views.permission_denied"
handler500 = "lms.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("agency/", views.agency_home, name="agency-home"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("payments/", include("payments.urls")),
    path("exam/", include("exams.urls")),
    path("classroom/", include("enrollment.classroom_urls")),
    path("training-api/", include("courses.urls")),
    path("", include("enrollment.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
