from django.urls import path

from jiaoliuba.venues import views

app_name = "venues"

urlpatterns = [
    path("venues/staff/", views.workbench, name="workbench"),
    path("venues/staff/<int:venue_id>/", views.manage, name="manage"),
    path("venues/staff/<int:venue_id>/rota/", views.rota, name="rota"),
    path("venues/staff/<int:venue_id>/visits/", views.visits, name="visits"),
    path("venues/staff/visits/<int:visit_id>/appeal/", views.visit_to_appeal, name="to_appeal"),
    path("venues/<int:venue_id>/", views.venue_page, name="detail"),
    path("venues/<int:venue_id>/poster/", views.poster, name="poster"),
    path("venues/<int:venue_id>/qr.svg", views.poster_qr, name="qr"),
    path("venues/photos/<int:photo_id>/", views.photo, name="photo"),
]
