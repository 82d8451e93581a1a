from django.urls import path

from jiaoliuba.privacy import views

app_name = "privacy"

urlpatterns = [
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/export.json", views.my_data_json, name="my_data_json"),
    path("me/data/erase/", views.erase, name="erase"),
    path("workbench/audit/access/", views.access_log_review, name="access_log"),
    path("workbench/audit/access.csv", views.access_log_csv, name="access_log_csv"),
]
