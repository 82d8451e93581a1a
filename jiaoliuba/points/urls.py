from django.urls import path

from jiaoliuba.points import views

app_name = "points"

urlpatterns = [
    path("points/", views.my_points, name="mine"),
    path("points/store/<int:item_id>/redeem/", views.redeem, name="redeem"),
    path("points/orders/<int:redemption_id>/cancel/", views.cancel, name="cancel"),
    path("points/honours/<int:honour_id>/consent/", views.honour_consent, name="consent"),
    path("workbench/points/", views.desk, name="desk"),
    path("workbench/points/honours/", views.honours, name="honours"),
    path("workbench/points/rules/", views.rules, name="rules"),
]
