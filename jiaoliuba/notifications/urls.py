from django.urls import path

from jiaoliuba.notifications import views

app_name = "notifications"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.mark_all_read, name="mark_all_read"),
    path("inbox/channels/", views.channels_set, name="channels"),
    path("inbox/<int:notification_id>/", views.notification_open, name="open"),
]
