from django.urls import path

from jiaoliuba.portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.public_board, name="public_board"),
    path("workbench/", views.workbench, name="workbench"),
    path("favicon.ico", views.favicon, name="favicon"),
]
