from django.urls import path

from manager.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="list"),
    path("bulk/", views.bulk, name="bulk"),
    path("trash/", views.trash, name="trash"),
    path("audit/", views.audit, name="audit"),
    path("<uuid:message_id>/", views.message_page, name="message"),
    path("<uuid:message_id>/act/", views.act, name="act"),
    path("<uuid:message_id>/<str:kind>/", views.media, name="media"),
]
