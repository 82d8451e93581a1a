"""Writes of the venues app: the registry, the rota and the visit log."""

from jiaoliuba.venues.services.rota import (
    duty_role_fits,
    shift_cancel,
    shift_complete,
    shift_create,
    shift_mark_missed,
    swap_approve,
    swap_reject,
    swap_request,
    swap_withdraw,
)
from jiaoliuba.venues.services.venue import (
    venue_closure_add,
    venue_closure_remove,
    venue_create,
    venue_hours_set,
    venue_photo_add,
    venue_theme_set,
    venue_update,
)
from jiaoliuba.venues.services.visits import visit_log, visit_to_appeal

__all__ = [
    "duty_role_fits",
    "shift_cancel",
    "shift_complete",
    "shift_create",
    "shift_mark_missed",
    "swap_approve",
    "swap_reject",
    "swap_request",
    "swap_withdraw",
    "venue_closure_add",
    "venue_closure_remove",
    "venue_create",
    "venue_hours_set",
    "venue_photo_add",
    "venue_theme_set",
    "venue_update",
    "visit_log",
    "visit_to_appeal",
]
