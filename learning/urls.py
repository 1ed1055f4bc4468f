from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from learning.api import api
from learning.platform import page_cache
from learning.platform.health import healthz
from learning.site.views import my_learning
from learning.site.web_app import favicon, manifest

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("api/v1/", api.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("learning.accounts.urls")),
    path("me/", my_learning, name="my_learning"),
    path("", include("learning.points.urls")),
    path("", include("learning.reminders.urls")),
    # Each app owns its own paths; Wagtail's page tree takes whatever is left.
    path("", include("lecturers.urls")),
    path("", include("exams.urls")),
    path("", include("courses.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("bench/", include("learning.platform.benchmark")))

# Wagtail's page view behind the anonymous page cache (learning.platform.page_cache), then Wagtail's own.
urlpatterns += [
    re_path(wagtail_urls.serve_pattern, page_cache.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
