from django.urls import path

from jiaoliuba.deliberation.consensus import views

app_name = "consensus"

urlpatterns = [
    path("consensus/<int:question_id>/", views.question_page, name="question"),
    path("consensus/<int:question_id>/map/", views.map_page, name="map"),
    path("consensus/<int:question_id>/statements/", views.statement_add, name="add"),
    path("consensus/statements/<int:statement_id>/vote/", views.statement_vote, name="vote"),
    path("consensus/statements/<int:statement_id>/flag/", views.statement_flag, name="flag"),
    path("workbench/consensus/new/", views.question_new, name="new"),
    path("workbench/consensus/<int:question_id>/", views.manage, name="manage"),
    path(
        "workbench/consensus/<int:question_id>/do/<slug:action>/",
        views.question_action,
        name="action",
    ),
    path(
        "workbench/consensus/statements/<int:statement_id>/hide/",
        views.statement_hide,
        name="hide",
    ),
    path(
        "workbench/consensus/statements/<int:statement_id>/dismiss-flags/",
        views.statement_dismiss_flags,
        name="dismiss_flags",
    ),
]
