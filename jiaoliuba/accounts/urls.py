from django.urls import path

from jiaoliuba.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.resident_login, name="login"),
    path("login/send-code/", views.send_code, name="send_code"),
    path("staff/login/", views.staff_login, name="staff_login"),
    path("staff/2fa/", views.second_factor, name="second_factor"),
    path("staff/2fa/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("logout/", views.sign_out, name="logout"),
    path("prefs/large-text/", views.large_text, name="large_text"),
    path("me/", views.me, name="me"),
    path("me/profile/", views.me_profile, name="me_profile"),
    path("me/profile/grids/", views.grid_options, name="grid_options"),
    path("workbench/residents/", views.resident_list, name="resident_list"),
    path("workbench/residents/<int:resident_id>/", views.resident_detail, name="resident_detail"),
    path(
        "workbench/residents/<int:resident_id>/reveal-phone/",
        views.resident_reveal_phone,
        name="resident_reveal_phone",
    ),
    path(
        "workbench/residents/<int:resident_id>/verify/",
        views.resident_verify,
        name="resident_verify",
    ),
    path(
        "workbench/residents/<int:resident_id>/guardian/",
        views.resident_guardian_consent,
        name="resident_guardian_consent",
    ),
]
