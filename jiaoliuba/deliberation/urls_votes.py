from django.urls import path

from jiaoliuba.deliberation import views_votes as views

app_name = "votes"

urlpatterns = [
    path("votes/<int:vote_id>/", views.vote_page, name="page"),
    path("votes/<int:vote_id>/cast/", views.vote_cast, name="cast"),
    path("workbench/votes/", views.console, name="console"),
    path("workbench/votes/new/", views.vote_new, name="new"),
    path("workbench/votes/<int:vote_id>/", views.vote_manage, name="manage"),
    path("workbench/votes/<int:vote_id>/do/<slug:action>/", views.vote_action, name="action"),
    path("workbench/votes/<int:vote_id>/sheet/", views.tally_sheet, name="sheet"),
    path("workbench/unit-registers/", views.registers, name="registers"),
    path("workbench/unit-registers/<int:register_id>/", views.register_detail, name="register"),
]
