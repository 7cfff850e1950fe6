from django.urls import path

from manager.api import views

urlpatterns = [
    path("v1/messages", views.messages),
    path("v1/terminals/<str:terminal_id>/dialog", views.dialog),
    path("v1/terminals/<str:terminal_id>/status", views.status),
    path("v1/enrolment", views.enrolment),
    path("v1/export/messages", views.export_messages, name="export-messages"),
    path(
        "v1/export/messages/<uuid:message_id>/<str:kind>", views.export_media, name="export-media"
    ),
]
