from django.urls import path

from jiaoliuba.deliberation import views

app_name = "deliberation"

urlpatterns = [
    path("deliberation/", views.topic_list, name="list"),
    path("deliberation/new/", views.topic_new, name="new"),
    path("deliberation/<int:topic_id>/", views.topic_detail, name="detail"),
    path("deliberation/<int:topic_id>/do/<slug:action>/", views.topic_action, name="action"),
    path(
        "deliberation/comments/<int:comment_id>/do/<slug:action>/",
        views.comment_action,
        name="comment_action",
    ),
    path("workbench/deliberation/", views.agenda, name="agenda"),
    path("workbench/deliberation/moderation/", views.moderation, name="moderation"),
]
