from django.urls import include, path

from peersite.bare.views import note_create

urlpatterns = [
    path("bare/notes", note_create),
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
