from django.urls import path

from jiaoliuba.deliberation import views_meetings as views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("meetings/<int:meeting_id>/do/<slug:action>/", views.meeting_action, name="action"),
    path("meetings/<int:meeting_id>/qr.svg", views.meeting_qr, name="qr"),
    path("meetings/<int:meeting_id>/checkin/<str:token>/", views.meeting_checkin, name="checkin"),
    path("resolutions/<int:resolution_id>/", views.resolution_detail, name="resolution"),
    path(
        "resolutions/<int:resolution_id>/do/<slug:action>/",
        views.resolution_action,
        name="resolution_action",
    ),
    path("resolutions/photos/<int:photo_id>/", views.progress_photo, name="photo"),
    path("public/<str:code>/resolutions/", views.public_notice, name="public"),
    path("workbench/meetings/", views.workbench, name="workbench"),
    path("workbench/meetings/new/", views.meeting_new, name="new"),
    path(
        "workbench/meetings/emergency/<int:appeal_id>/",
        views.meeting_emergency,
        name="emergency",
    ),
]
