from django.urls import path

from manager.fleet import views

app_name = "fleet"
urlpatterns = [
    path("", views.terminals, name="list"),
    path("add/", views.add, name="add"),
    path("<str:terminal_id>/", views.terminal_page, name="terminal"),
    path("<str:terminal_id>/rotate/", views.rotate, name="rotate"),
    path("<str:terminal_id>/revoke/", views.revoke, name="revoke"),
]
