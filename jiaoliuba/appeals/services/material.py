"""A resident withdraws an appeal or adds material to it."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import transitions
from jiaoliuba.appeals.choices import (
    AttachmentKind,
    EventKind,
    Status,
)
from jiaoliuba.appeals.models import (
    Appeal,
    AppealEvent,
    Attachment,
)
from jiaoliuba.appeals.services._common import _event, _handlers, _locked, _move, _notify
from jiaoliuba.appeals.uploads import CleanFile
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format

WITHDRAWABLE_STATUSES = transitions.sources("withdraw")


def appeal_withdraw(*, appeal: Appeal, actor: User, reason: str = "") -> Appeal:
    """撤回: the resident takes back an appeal nobody has accepted yet. The appeal ends as
    “withdrawn”: it stays in 受理量 but in no other figure (not resolved, not late), and
    its handlers are told. Once accepted it is being worked on: refused with a conflict."""
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": 300})
        )
    with transaction.atomic():
        fresh = _locked(appeal)
        if fresh.submitter_id is None or fresh.submitter_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the resident who filed the appeal may withdraw it."))
        if not transitions.TRANSITIONS["withdraw"].allows(fresh.status):
            raise Conflict(
                _(
                    "This appeal has already been accepted or finished and can no longer be "
                    "withdrawn. You can add material or wait for the reply."
                ),
                code="not_withdrawable",
                extra={"status": fresh.status},
            )
        if Appeal.objects.filter(merged_into=fresh).exists():
            raise Conflict(
                _("Other residents joined this appeal, so it cannot be withdrawn."),
                code="has_joiners",
            )
        old, now = fresh.status, clock.now()
        handlers = _handlers(fresh)
        fresh.status, fresh.closed_at = Status.WITHDRAWN, now
        _move(fresh, old, ("closed_at",))
        _event(
            fresh,
            EventKind.WITHDRAWN,
            actor=actor,
            from_status=old,
            to_status=Status.WITHDRAWN,
            message=reason,
            visible=True,
        )
        _notify(
            handlers,
            "withdrawn",
            _("Appeal %(number)s was withdrawn by the resident"),
            _("Reason: %(reason)s") if reason else _("No reason was given."),
            fresh,
            reason=reason,
        )
    return fresh


def appeal_add_material(
    *, appeal: Appeal, actor: User, text: str = "", files: list[CleanFile] | None = None
) -> AppealEvent:
    """补充材料: the resident adds text or photos to an appeal still open; the handler is
    told. A finished appeal takes no more material (a new appeal carries a new matter)."""
    files = files or []
    text = (text or "").strip()
    if not text and not files:
        raise ValidationFailed(
            _("Please write something or choose photos to add."), code="material_required"
        )
    if len(text) > 1000:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": 1000})
        )
    if any(f.kind != AttachmentKind.IMAGE for f in files):
        raise ValidationFailed(_("Only photos can be added."), code="invalid_file")
    if len(files) > settings.APPEAL_MAX_IMAGES:
        raise ValidationFailed(
            lazy_format(_("At most %(n)s photos."), {"n": settings.APPEAL_MAX_IMAGES}),
            code="too_many_files",
        )
    if appeal.submitter_id is None or appeal.submitter_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the resident who filed the appeal may add material."))
    stored: list[str] = []
    try:
        with transaction.atomic():
            fresh = _locked(appeal)
            if not transitions.TRANSITIONS["add_material"].allows(fresh.status):
                raise Conflict(
                    _(
                        "This appeal is finished and takes no more material; please raise a "
                        "new appeal if the matter continues."
                    ),
                    code="appeal_not_open",
                    extra={"status": fresh.status},
                )
            ids = []
            for clean in files:
                attachment = Attachment.objects.create(
                    appeal=fresh,
                    kind=clean.kind,
                    file=clean.content,
                    content_type=clean.content_type,
                    size=clean.size,
                )
                stored.append(attachment.file.name)
                ids.append(attachment.pk)
            event = _event(
                fresh,
                EventKind.MATERIAL_ADDED,
                actor=actor,
                message=text,
                visible=True,
                data={"attachments": ids},
            )
            body = (
                _("The resident wrote: %(text)s (%(photos)s photos)")
                if text
                else _("The resident added %(photos)s photos.")
            )
            _notify(
                _handlers(fresh),
                "material_added",
                _("Appeal %(number)s: the resident added material"),
                body,
                fresh,
                text=text,
                photos=len(ids),
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return event
