"""The manager's URLs: the API under /api/, the pages, the admin under /admin/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/inbox/", permanent=False)),
    path("api/", include("manager.api.urls")),
    path("accounts/", include("manager.accounts.urls")),
    path("inbox/", include("manager.inbox.urls")),
    path("terminals/", include("manager.fleet.urls")),
    path("reports/", include("manager.reporting.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "manager.api.views.not_found"
