from django.contrib import admin
from django.urls import include, path

from jiaoliuba.api.api import api
from jiaoliuba.api.routing import grouped
from jiaoliuba.portal import views as portal_views

urlpatterns = [
    # First: no page starts with api/v1/, and an API call need not try every page first.
    path("api/v1/", grouped(api.urls)),
    path("", include("jiaoliuba.portal.urls")),
    path("", include("jiaoliuba.accounts.urls")),
    path("", include("jiaoliuba.notifications.urls")),
    path("", include("jiaoliuba.appeals.urls")),
    path("", include("jiaoliuba.dashboards.urls")),
    path("", include("jiaoliuba.deliberation.urls")),
    path("", include("jiaoliuba.deliberation.urls_votes")),
    path("", include("jiaoliuba.points.urls")),
    path("", include("jiaoliuba.deliberation.consensus.urls")),
    path("", include("jiaoliuba.bookings.urls")),
    path("", include("jiaoliuba.privacy.urls")),
    path("", include("jiaoliuba.community.urls")),
    path("", include("jiaoliuba.deliberation.urls_meetings")),
    path("", include("jiaoliuba.venues.urls")),
    path("healthz", portal_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# MEDIA_ROOT is never served as such, not even with DEBUG: every attachment goes through
# appeals:attachment, which checks the reader's scope and sends it as a download.
