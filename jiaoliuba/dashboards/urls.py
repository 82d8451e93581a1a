from django.urls import path

from jiaoliuba.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("dashboards/", views.overview, name="overview"),
    path("dashboards/ranking", views.ranking, name="ranking"),
    path("dashboards/compare", views.compare, name="compare"),
    path("dashboards/screen", views.screen, name="screen"),
    path("dashboards/report", views.report, name="report"),
    path("dashboards/export/kpis.xlsx", views.export_kpis, name="export_kpis"),
    path("dashboards/export/appeals.xlsx", views.export_appeals, name="export_appeals"),
]
