"""The manager's URLs: the API under /api/, the admin under /admin/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/", include("manager.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "manager.api.views.not_found"
