from django.urls import path

from jiaoliuba.community import views

app_name = "community"

urlpatterns = [
    path("community/<int:region_id>/", views.page, name="page"),
    path("community/<int:region_id>/qr.svg", views.qr, name="qr"),
    path("community/<int:region_id>/join/", views.join, name="join"),
    path("community/<int:region_id>/desk/", views.desk, name="desk"),
    path("community/<int:region_id>/wishes/", views.wish_new, name="wish_new"),
    path("community/<int:region_id>/ideas/", views.idea_new, name="idea_new"),
    path("community/<int:region_id>/stories/new/", views.story_new, name="story_new"),
    path("community/notices/<int:notice_id>/", views.notice, name="notice"),
    path("community/wishes/<int:wish_id>/<str:action>/", views.wish_action, name="wish_action"),
    path("community/ideas/<int:idea_id>/consent/", views.idea_consent, name="idea_consent"),
    path("community/stories/<int:story_id>/", views.story, name="story"),
    path("community/media/<int:media_id>/", views.media, name="media"),
]
