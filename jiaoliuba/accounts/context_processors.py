from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors
from jiaoliuba.accounts.choices import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "is_staff_member": False}
    roles = selectors.user_roles(user)
    staff = selectors.user_is_staff_member(user)
    items = []
    if staff:
        items += [
            (reverse("accounts:workbench"), _("Workbench")),
            (reverse("accounts:resident_list"), _("Residents")),
        ]
    if Role.RESIDENT in roles:
        items.append((reverse("accounts:me"), _("My page")))
    from jiaoliuba.notifications.selectors import unread_count  # inbox sits above accounts

    unread = unread_count(user=user)
    label = _("Inbox (%(count)d)") % {"count": unread} if unread else _("Inbox")
    items.append((reverse("notifications:inbox"), label))
    if user.is_staff:
        items.append((reverse("admin:index"), _("Configuration")))
    return {
        "nav_items": items,
        "is_staff_member": staff,
        "role_labels": sorted(str(Role(r).label) for r in roles),
    }
