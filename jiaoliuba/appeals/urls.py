from django.urls import path

from jiaoliuba.appeals import views, views_guest

app_name = "appeals"

urlpatterns = [
    path("appeals/", views.my_appeals, name="mine"),
    path("appeals/new/", views.appeal_new, name="new"),
    path("appeals/similar/", views.similar, name="similar"),
    path("appeals/<int:appeal_id>/join/", views.join, name="join"),
    path("appeals/<int:appeal_id>/", views.appeal_detail, name="detail"),
    path("appeals/<int:appeal_id>/reveal/", views.appeal_reveal, name="reveal"),
    path(
        "appeals/<int:appeal_id>/attachments/<int:attachment_id>",
        views.appeal_attachment,
        name="attachment",
    ),
    path("appeals/<int:appeal_id>/do/<slug:action>/", views.appeal_action, name="action"),
    path("workbench/appeals/", views.queue, name="queue"),
    path("workbench/appeals/new/", views.appeal_desk_new, name="desk_new"),
    path("workbench/supervision/", views.supervision, name="supervision"),
    path("workbench/map/", views.appeal_map, name="map"),
    path("workbench/alerts/", views.alerts, name="alerts"),
    path("public/<str:code>/", views.public_page, name="public"),
    # Without an account: the guest form and the short tracking link of the receipt.
    path("appeals/guest/", views_guest.guest_new, name="guest_new"),
    path("appeals/<int:appeal_id>/withdraw/", views.appeal_withdraw, name="withdraw"),
    path("appeals/<int:appeal_id>/material/", views.appeal_material, name="material"),
    path("t/", views_guest.track_lookup, name="track_lookup"),
    path("t/<str:code>/", views_guest.track, name="track"),
    path("t/<str:code>/rate/", views_guest.track_rate, name="track_rate"),
]
