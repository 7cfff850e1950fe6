from django.urls import path

from manager.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.page, name="page"),
    path("report.xlsx", views.xlsx, name="xlsx"),
    path("report-csv.zip", views.csv_zip, name="csv"),
]
