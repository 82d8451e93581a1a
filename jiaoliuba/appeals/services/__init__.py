"""The appeal loop. Each state change is one function in this package: it checks the
transition table (`jiaoliuba.appeals.transitions`) and the policy, moves the status by
compare-and-set, appends an AppealEvent and tells people once the transaction commits.
Nothing else writes an appeal's status. Callers import the package and use its names:
`from jiaoliuba.appeals import services; services.appeal_accept(...)`."""

from jiaoliuba.appeals.services.dispatch import (
    appeal_confirm_triage,
    appeal_correct_triage,
    appeal_dispatch,
)
from jiaoliuba.appeals.services.extensions import (
    appeal_extension_decide,
    appeal_extension_request,
)
from jiaoliuba.appeals.services.handling import (
    appeal_accept,
    appeal_close_after_review,
    appeal_escalate,
    appeal_follow_up,
    appeal_note,
    appeal_rate,
    appeal_reject,
    appeal_reopen,
    appeal_reply,
    appeal_resolve,
    appeal_return,
)
from jiaoliuba.appeals.services.intake import (
    Intake,
    appeal_follow_ups_due,
    appeal_follow_ups_run,
    appeal_intake_follow_up,
    appeal_join,
    appeal_submit,
    staff_intake_submitter,
)
from jiaoliuba.appeals.services.lookups import similar_lookup_count
from jiaoliuba.appeals.services.material import (
    WITHDRAWABLE_STATUSES,
    appeal_add_material,
    appeal_withdraw,
)
from jiaoliuba.appeals.services.mediation import (
    MEDIATION_CATEGORIES,
    mediation_conclude,
    mediation_session_add,
    mediation_start,
)
from jiaoliuba.appeals.services.notices import (
    appeal_contact_sms_send,
    receipt_message,
    resolved_message,
    tracking_link,
)
from jiaoliuba.appeals.services.pressing import (
    appeal_supervise,
    appeal_urge,
)
from jiaoliuba.appeals.services.privacy import (
    appeal_reveal_submitter,
)
from jiaoliuba.appeals.services.repeats import (
    appeal_mark_repeat,
    appeal_merge,
    appeal_unmark_repeat,
)
from jiaoliuba.appeals.services.rewards import appeal_useful_credit
from jiaoliuba.appeals.services.risk_alerts import (
    appeal_risk_check,
    risk_alert_acknowledge,
)
from jiaoliuba.appeals.services.rules import (
    routing_rule_delete,
    routing_rule_save,
    rules_changed_in_bulk,
    time_limit_delete,
    time_limit_save,
)
from jiaoliuba.appeals.services.sweep import (
    SweepReport,
    appeals_sweep,
)

__all__ = [
    "MEDIATION_CATEGORIES",
    "WITHDRAWABLE_STATUSES",
    "Intake",
    "SweepReport",
    "appeal_accept",
    "appeal_add_material",
    "appeal_close_after_review",
    "appeal_confirm_triage",
    "appeal_contact_sms_send",
    "appeal_correct_triage",
    "appeal_dispatch",
    "appeal_escalate",
    "appeal_extension_decide",
    "appeal_extension_request",
    "appeal_follow_up",
    "appeal_follow_ups_due",
    "appeal_follow_ups_run",
    "appeal_intake_follow_up",
    "appeal_join",
    "appeal_mark_repeat",
    "appeal_merge",
    "appeal_note",
    "appeal_rate",
    "appeal_reject",
    "appeal_reopen",
    "appeal_reply",
    "appeal_resolve",
    "appeal_return",
    "appeal_reveal_submitter",
    "appeal_risk_check",
    "appeal_submit",
    "appeal_supervise",
    "appeal_unmark_repeat",
    "appeal_urge",
    "appeal_useful_credit",
    "appeal_withdraw",
    "appeals_sweep",
    "mediation_conclude",
    "mediation_session_add",
    "mediation_start",
    "receipt_message",
    "resolved_message",
    "risk_alert_acknowledge",
    "routing_rule_delete",
    "routing_rule_save",
    "rules_changed_in_bulk",
    "similar_lookup_count",
    "staff_intake_submitter",
    "time_limit_delete",
    "time_limit_save",
    "tracking_link",
]
