"""The navigation of the UI shell. It sits above every app (it links to all of them)
and nothing imports it.

A few primary entries stay in the bar (`nav_items`); the rest go in the "更多" menu
(`nav_more`, a <details> element: no script), so the bar holds one or two rows on a
390 px phone instead of four."""

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors, twofactor
from jiaoliuba.accounts.choices import Role
from jiaoliuba.notifications.selectors import unread_count
from jiaoliuba.regions.choices import RegionLevel

Entry = tuple[str, str | Promise, bool]  # url, label, primary

# At most this many entries in the bar; later primary ones move to the menu.
PRIMARY_MAX = 6


def _community_desk(user) -> list[Entry]:
    """The community desk when the staff member's scope is one community (or a grid of
    it): staff of a street or above open a community's page and its desk from there."""
    regions = selectors.user_scope_regions(user)
    communities = {
        r.pk if r.level == RegionLevel.COMMUNITY else r.parent_id
        for r in regions
        if r.level in (RegionLevel.COMMUNITY, RegionLevel.GRID)
    }
    if len(regions) and len(communities) == 1:
        pk = next(iter(communities))
        return [(reverse("community:desk", args=[pk]), _("Community desk"), False)]
    return []


def _entries(user, roles: set[str], staff: bool) -> list[Entry]:
    items: list[Entry] = []
    if staff:
        items += [
            (reverse("workbench"), _("Workbench"), True),
            (reverse("appeals:queue"), _("Appeal queue"), True),
            (reverse("appeals:map"), _("Appeals map"), False),
            (reverse("appeals:supervision"), _("Supervision"), False),
            (reverse("appeals:alerts"), _("Risk alerts"), False),
            (reverse("deliberation:agenda"), _("Deliberation"), True),
            (reverse("votes:console"), _("Votes"), False),
            (reverse("points:desk"), _("Points store"), False),
            (reverse("points:honours"), _("Honours"), False),
            (reverse("bookings:workbench"), _("Services"), False),
            (reverse("venues:workbench"), _("Venues"), False),
            (reverse("meetings:workbench"), _("Meetings"), False),
            *_community_desk(user),
            (reverse("accounts:resident_list"), _("Residents"), True),
            (reverse("dashboards:overview"), _("Dashboard"), True),
        ]
    if not staff and (Role.PROFESSIONAL in roles or Role.VOLUNTEER in roles):
        items.append((reverse("appeals:mine"), _("Appeals I handle"), True))
    if Role.PROFESSIONAL in roles:
        items.append((reverse("bookings:consultations"), _("My consultations"), True))
        items.append((reverse("bookings:expert_requests"), _("Requests for professionals"), True))
    if Role.AUDITOR in roles:
        items.append((reverse("privacy:access_log"), _("Access log review"), True))
    if Role.RESIDENT in roles:
        resident = selectors.resident_of(user)
        home = (
            [(reverse("community:page", args=[resident.community_id]), _("Community"), True)]
            if resident is not None and resident.community_id
            else []
        )
        items += [
            *home,
            (reverse("appeals:new"), _("Raise an appeal"), True),
            (reverse("appeals:mine"), _("My appeals"), True),
            # Four entries and 更多 fit one row of a 390 px phone.
            (reverse("deliberation:list"), _("Deliberation"), False),
            (reverse("points:mine"), _("My points"), False),
            (reverse("bookings:catalogue"), _("Book a service"), False),
            (reverse("bookings:mine"), _("My bookings"), False),
            (reverse("meetings:list"), _("Meetings"), False),
            (reverse("accounts:me"), _("My page"), False),
        ]
    return items


SIGNED_OUT = {"nav_items": [], "nav_more": [], "is_staff_member": False, "role_labels": []}


def _second_factor_pending(request, user) -> bool:
    """Password accepted, second factor not yet: the code-entry and setup pages show such a
    session what a signed-out visitor sees (no links, roles, inbox or name)."""
    session = getattr(request, "session", None)
    return (
        session is not None
        and twofactor.second_factor_required(user)
        and not twofactor.session_is_verified(request)
    )


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return dict(SIGNED_OUT)
    if _second_factor_pending(request, user):
        return {**SIGNED_OUT, "second_factor_pending": True}
    roles = selectors.user_roles(user)
    staff = selectors.user_is_staff_member(user)
    items = _entries(user, roles, staff)
    unread = unread_count(user=user)
    inbox = (
        reverse("notifications:inbox"),
        _("Inbox (%(count)d)") % {"count": unread} if unread else _("Inbox"),
    )
    primary = [(url, label) for url, label, first in items if first]
    more = [(url, label) for url, label, first in items if not first]
    # The inbox is always in the bar, last; what does not fit goes first in the menu.
    keep = PRIMARY_MAX - 1
    more = primary[keep:] + more
    primary = [*primary[:keep], inbox]
    if user.is_staff:
        more.append((reverse("admin:index"), _("Configuration")))
    return {
        "nav_items": primary,
        "nav_more": more,
        "nav_more_current": any(request.path == url for url, _label in more),
        "is_staff_member": staff,
        "role_labels": sorted(str(Role(r).label) for r in roles),
    }
