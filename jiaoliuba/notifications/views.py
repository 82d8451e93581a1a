"""Inbox pages. Thin: call a selector or service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from jiaoliuba.accounts.decorators import signed_in
from jiaoliuba.accounts.types import SignedInRequest
from jiaoliuba.notifications import selectors, services


@signed_in
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox_for(user=request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread_count": selectors.unread_count(user=request.user),
        "channels": selectors.channel_preference(user=request.user),
    }
    return render(request, "notifications/inbox.html", context)


def _safe_link(request: HttpRequest, link: str) -> bool:
    return (
        link.startswith("/")
        and link != request.path
        and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


@signed_in
@require_GET
def notification_open(request: SignedInRequest, notification_id: int) -> HttpResponse:
    """Opening a notification marks it read and follows its link; one without a link is
    shown here in full."""
    notification = selectors.access_notification(user=request.user, notification_id=notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification.link and _safe_link(request, notification.link):
        return redirect(notification.link)
    return render(request, "notifications/detail.html", {"notification": notification})


@signed_in
@require_POST
def mark_all_read(request: SignedInRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("notifications:inbox")


@signed_in
@require_POST
def channels_set(request: SignedInRequest) -> HttpResponse:
    services.channel_preference_set(
        user=request.user,
        sms=request.POST.get("sms") == "1",
        email=request.POST.get("email") == "1",
    )
    messages.success(request, _("Your choice is saved."))
    return redirect("notifications:inbox")
