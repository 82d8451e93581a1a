"""The navigation of the UI shell. It sits above every app (it links to all of them)
and nothing imports it."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors
from jiaoliuba.accounts.choices import Role
from jiaoliuba.notifications.selectors import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "is_staff_member": False}
    roles = selectors.user_roles(user)
    staff = selectors.user_is_staff_member(user)
    items: list[tuple[str, str | Promise]] = []
    if staff:
        items += [
            (reverse("workbench"), _("Workbench")),
            (reverse("appeals:queue"), _("Appeal queue")),
            (reverse("appeals:map"), _("Appeals map")),
            (reverse("appeals:supervision"), _("Supervision")),
            (reverse("appeals:alerts"), _("Risk alerts")),
            (reverse("deliberation:agenda"), _("Deliberation")),
            (reverse("votes:console"), _("Votes")),
            (reverse("points:desk"), _("Points store")),
            (reverse("points:honours"), _("Honours")),
            (reverse("bookings:workbench"), _("Services")),
            (reverse("meetings:workbench"), _("Meetings")),
            (reverse("accounts:resident_list"), _("Residents")),
            (reverse("dashboards:overview"), _("Dashboard")),
        ]
    if not staff and (Role.PROFESSIONAL in roles or Role.VOLUNTEER in roles):
        items.append((reverse("appeals:mine"), _("Appeals I handle")))
    if Role.PROFESSIONAL in roles:
        items.append((reverse("bookings:consultations"), _("My consultations")))
        items.append((reverse("bookings:expert_requests"), _("Requests for professionals")))
    if Role.RESIDENT in roles:
        items += [
            (reverse("appeals:new"), _("Raise an appeal")),
            (reverse("appeals:mine"), _("My appeals")),
            (reverse("deliberation:list"), _("Deliberation")),
            (reverse("points:mine"), _("My points")),
            (reverse("bookings:catalogue"), _("Book a service")),
            (reverse("bookings:mine"), _("My bookings")),
            (reverse("meetings:list"), _("Meetings")),
            (reverse("accounts:me"), _("My page")),
        ]
    unread = unread_count(user=user)
    items.append(
        (
            reverse("notifications:inbox"),
            _("Inbox (%(count)d)") % {"count": unread} if unread else _("Inbox"),
        )
    )
    if user.is_staff:
        items.append((reverse("admin:index"), _("Configuration")))
    return {
        "nav_items": items,
        "is_staff_member": staff,
        "role_labels": sorted(str(Role(r).label) for r in roles),
    }
