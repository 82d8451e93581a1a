from django.urls import path

from jiaoliuba.bookings import views, views_calendar, views_requests

app_name = "bookings"

urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/sessions/<int:session_id>/", views.session_page, name="session"),
    path("services/mine/", views.my_bookings, name="mine"),
    path("services/bookings/<int:booking_id>/<str:action>/", views.booking_action, name="action"),
    path(
        "services/bookings/<int:booking_id>/calendar.ics",
        views_calendar.booking_ics,
        name="booking_ics",
    ),
    path("services/calendar/<str:token>.ics", views_calendar.feed, name="feed"),
    path(
        "services/staff/sessions/<int:session_id>/calendar.ics",
        views_calendar.session_ics,
        name="session_ics",
    ),
    path("services/check-in/<str:code>/", views.check_in, name="check_in"),
    path("services/consultations/", views.my_consultations, name="consultations"),
    path("services/consultations/<int:booking_id>/", views.consultation, name="consultation"),
    path("services/expert-requests/", views_requests.expert_request_list, name="expert_requests"),
    path(
        "services/expert-requests/<int:request_id>/",
        views_requests.expert_request_detail,
        name="expert_request",
    ),
    path(
        "services/staff/expert-requests/new/",
        views_requests.expert_request_new,
        name="expert_request_new",
    ),
    path("services/staff/", views.workbench, name="workbench"),
    path("services/staff/experts/", views.experts, name="experts"),
    path("services/staff/<int:service_id>/", views.staff_service, name="staff_service"),
    path("services/staff/sessions/<int:session_id>/", views.staff_session, name="staff_session"),
    path("services/staff/sessions/<int:session_id>/qr.svg", views.session_qr, name="session_qr"),
]
