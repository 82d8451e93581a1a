"""Topics: proposing (居民点单), creating (社区派单), assigning (上级交办), supporting and
every change of stage. Each change checks the transition table, moves the stage by
compare-and-set and appends a TopicEvent; people hear of it once the transaction
commits."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.selectors import resident_of, user_roles_at
from jiaoliuba.appeals.services import appeal_useful_credit
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, PermissionDenied, ValidationFailed, lazy_format
from jiaoliuba.deliberation import policies, transitions
from jiaoliuba.deliberation.choices import ActKind, TopicEventKind, TopicSource, TopicStage
from jiaoliuba.deliberation.models import SupportThreshold, Topic, TopicSupport
from jiaoliuba.deliberation.services._common import (
    _act,
    _event,
    _follow,
    _followers,
    _locked,
    _move,
    _notify,
    _require_text,
    check_words,
    limit,
)
from jiaoliuba.regions.choices import SEGMENT, RegionLevel
from jiaoliuba.regions.models import Region

TITLE_MAX = 120
BODY_MAX = 2000
REASON_MAX = 500
SCOPE_LEVELS = (RegionLevel.GRID, RegionLevel.COMMUNITY, RegionLevel.STREET)
_BUILDING = re.compile(r"([0-9０-９]+|[一二三四五六七八九十百]+)\s*(号楼|栋|幢|号院)")


def building_of(address: str) -> str:
    """ "3号楼" from "3号楼2单元301室"; "" when the address names no building."""
    found = _BUILDING.search(address or "")
    return f"{found.group(1)}{found.group(2)}" if found else ""


def _staff_building(text: str, scope: Region) -> str:
    """The building staff name for a topic ("3号楼", "12栋"; a bare number means 号楼).
    A building sits inside one grid, so its topic belongs to that grid."""
    text = (text or "").strip()
    if not text:
        return ""
    if scope.level != RegionLevel.GRID:
        raise ValidationFailed(
            _("A building's topic belongs to the grid the building is in: choose that grid."),
            code="building_needs_grid",
        )
    if text.isdigit():
        return f"{text}号楼"
    found = _BUILDING.fullmatch(text)
    if found is None:
        raise ValidationFailed(
            _("Name the building as on its plate, e.g. 3号楼 or 12栋."), code="building_invalid"
        )
    return f"{found.group(1)}{found.group(2)}"


def threshold_for(scope: Region) -> int:
    """Supporters needed in the scope's community; a street's topic uses the default."""
    community_path = scope.path[: 4 * SEGMENT] if len(scope.path) >= 4 * SEGMENT else ""
    if community_path:
        row = SupportThreshold.objects.filter(community__path=community_path).first()
        if row is not None:
            return max(1, row.supporters)
    return max(1, int(settings.DELIBERATION_SUPPORT_THRESHOLD))


def _texts(title: str, body: str) -> tuple[str, str]:
    title = _require_text(title, _("Please give the topic a title."), code="title_required")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(
            lazy_format(_("The title is longer than %(n)s characters."), {"n": TITLE_MAX}),
            code="title_long",
        )
    body = _require_text(
        body, _("Please describe the topic."), code="body_required", max_length=BODY_MAX
    )
    check_words(title, body)
    return title, body


def _check_scope(scope: Region | None) -> Region:
    if scope is None or scope.level not in SCOPE_LEVELS:
        raise ValidationFailed(
            _("Please choose where the topic belongs: a grid, a community or a street."),
            code="scope_required",
        )
    return scope


def topic_propose(
    *, actor: Any, title: str, body: str, scope: Region | None, for_building: bool = False
) -> Topic:
    """居民点单: a resident proposes a topic for a place they live in; they are its first
    supporter and follow it."""
    title, body = _texts(title, body)
    scope = _check_scope(scope)
    resident = resident_of(actor)
    home = resident.region_path if resident is not None else ""
    if not home or not home.startswith(scope.path):
        raise PermissionDenied(
            _("You can propose topics only for the grid, community or street you live in."),
            code="not_resident_of_scope",
        )
    building = ""
    if for_building:
        building = building_of(resident.address if resident else "")
        if scope.level != RegionLevel.GRID or not building:
            raise ValidationFailed(
                _("A topic for your building needs your grid and a building in your address."),
                code="building_unknown",
            )
    limit("propose", actor, per=settings.DELIBERATION_PROPOSALS_PER_DAY, window_seconds=24 * 3600)
    now = clock.now()
    with transaction.atomic():
        topic = Topic.objects.create(
            title=title,
            body=body,
            source=TopicSource.RESIDENT,
            stage=TopicStage.PROPOSED,
            scope=scope,
            scope_path=scope.path,
            building=building,
            proposer=actor,
            created_by=actor,
            support_threshold=threshold_for(scope),
            support_count=1,
            created_at=now,
            updated_at=now,
        )
        TopicSupport.objects.create(topic=topic, user=actor, created_at=now)
        _follow(topic, actor)
        _event(topic, TopicEventKind.PROPOSED, actor=actor, to_stage=TopicStage.PROPOSED)
        _act(actor, ActKind.PROPOSE, topic)
        if topic.support_count >= topic.support_threshold:
            _reach_agenda(topic, actor, TopicStage.PROPOSED)
    return topic


def topic_create(
    *,
    actor: Any,
    title: str,
    body: str,
    scope: Region | None,
    source: str = TopicSource.COMMUNITY,
    due_at: dt.datetime | None = None,
    appeal: Any = None,
    building: str = "",
) -> Topic:
    """社区派单 (staff put a topic of their scope on the agenda) or 上级交办 (a street or
    city assigns one below it, with a date by which it must be decided). `building`
    makes it a building's topic, at the grid the building is in."""
    title, body = _texts(title, body)
    scope = _check_scope(scope)
    building = _staff_building(building, scope)
    if source not in (TopicSource.COMMUNITY, TopicSource.ASSIGNED):
        raise ValidationFailed(_("Choose how the topic arrives."), code="source_invalid")
    assigned = source == TopicSource.ASSIGNED
    if not policies.may_create_at(actor, scope.path, assigned=assigned):
        raise PermissionDenied(
            _("Only a street or a higher level can assign topics below it.")
            if assigned
            else _("You can create topics only inside your own scope."),
            code="scope_not_yours",
        )
    assigned_from = None
    if assigned:
        if due_at is None:
            raise ValidationFailed(
                _("An assigned topic needs a date by which it is decided."), code="due_required"
            )
        if due_at <= clock.now():
            raise ValidationFailed(_("The due date must be in the future."), code="due_past")

        paths = [
            p
            for role, ps in user_roles_at(actor).items()
            if role in policies.ASSIGN_ROLES
            for p in ps
            if scope.path.startswith(p) and len(p) < len(scope.path)
        ]
        assigned_from = Region.objects.filter(path=max(paths, key=len)).first()
    now = clock.now()
    with transaction.atomic():
        topic = Topic.objects.create(
            title=title,
            body=body,
            source=source,
            stage=TopicStage.AGENDA,
            scope=scope,
            scope_path=scope.path,
            building=building,
            created_by=actor,
            appeal=appeal,
            assigned_from=assigned_from,
            due_at=due_at if assigned else None,
            support_threshold=threshold_for(scope),
            created_at=now,
            updated_at=now,
        )
        _follow(topic, actor)
        _event(
            topic,
            TopicEventKind.ASSIGNED if assigned else TopicEventKind.CREATED,
            actor=actor,
            to_stage=TopicStage.AGENDA,
            data={
                "due_at": due_at.isoformat() if assigned and due_at else None,
                "appeal": getattr(appeal, "number", None),
            },
        )
    return topic


def topic_open_from_appeal(
    *,
    appeal: Any,
    actor: Any,
    title: str,
    body: str,
    scope: Region | None = None,
    building: str = "",
) -> Topic:
    """A matter too big for one household: staff who can see the appeal open a topic
    for its community (or a grid of it); the topic and the appeal link to each other.
    The caller has fetched the appeal through the appeals' access_appeal."""
    scope = scope or appeal.community
    if not scope.path.startswith(appeal.community.path[: len(scope.path)]):
        raise ValidationFailed(
            _("The topic must belong to the appeal's community or the area around it."),
            code="scope_invalid",
        )
    with transaction.atomic():
        topic = topic_create(
            actor=actor,
            title=title,
            body=body,
            scope=scope,
            source=TopicSource.COMMUNITY,
            appeal=appeal,
            building=building,
        )
        # An appeal that leads to a topic was useful: 积分 for its resident, once per appeal.
        appeal_useful_credit(appeal=appeal, confirmed_by=actor)
    return topic


def _reach_agenda(topic: Topic, actor: Any, old: str) -> None:
    """The support threshold was reached: on the agenda by itself, with an event."""
    topic.stage = TopicStage.AGENDA
    _move(topic, old, ("support_count",))
    _event(
        topic,
        TopicEventKind.THRESHOLD,
        actor=actor,
        from_stage=old,
        to_stage=TopicStage.AGENDA,
        data={"supporters": topic.support_count, "threshold": topic.support_threshold},
    )
    _notify(
        _followers(topic),
        "stage",
        _("Topic “%(title)s” is on the agenda"),
        _("Enough neighbours support it; the community will now take it up."),
        topic,
    )


def topic_support(*, topic: Topic, actor: Any) -> Topic:
    """A resident of the scope backs a proposal. The first supporter after the proposer
    opens the collecting stage; reaching the community's threshold puts the topic on
    the agenda. Supporting twice answers 409 and counts once."""
    with transaction.atomic():
        fresh = _locked(topic)
        transitions.require(fresh, "support")
        if policies.has_supported(actor, fresh):
            raise Conflict(_("You already support this topic."), code="already_supported")
        if not transitions.permits("support", actor, fresh):
            raise PermissionDenied(
                _("Only residents of the topic's area can support it."), code="not_member"
            )
        if not transitions.guard_allows("support", fresh):
            raise Conflict(_("Only residents' proposals collect support."), code="not_proposal")
        try:
            with transaction.atomic():
                TopicSupport.objects.create(topic=fresh, user=actor, created_at=clock.now())
        except IntegrityError:
            raise Conflict(_("You already support this topic."), code="already_supported") from None
        Topic.objects.filter(pk=fresh.pk).update(support_count=F("support_count") + 1)
        fresh.support_count += 1
        _event(fresh, TopicEventKind.SUPPORTED, actor=actor, data={"count": fresh.support_count})
        _follow(fresh, actor)
        _act(actor, ActKind.SUPPORT, fresh)
        old = fresh.stage
        if fresh.support_count >= fresh.support_threshold:
            _reach_agenda(fresh, actor, old)
        elif old == TopicStage.PROPOSED:
            fresh.stage = TopicStage.COLLECTING
            _move(fresh, old)
            _event(
                fresh,
                TopicEventKind.COLLECTING,
                actor=actor,
                from_stage=old,
                to_stage=TopicStage.COLLECTING,
            )
        else:
            Topic.objects.filter(pk=fresh.pk).update(updated_at=clock.now())
    return fresh


STAGE_MESSAGES = {
    TopicStage.COLLECTING: _("Topic “%(title)s” is collecting support"),
    TopicStage.AGENDA: _("Topic “%(title)s” is on the agenda"),
    TopicStage.DISCUSSING: _("Discussion of “%(title)s” has opened"),
    TopicStage.VOTING: _("Voting on “%(title)s” has opened"),
    TopicStage.DECIDED: _("Topic “%(title)s” has been decided"),
    TopicStage.WITHDRAWN: _("Topic “%(title)s” was withdrawn"),
    TopicStage.MERGED: _("Topic “%(title)s” was merged into another"),
}
STAGE_KINDS = {
    TopicStage.COLLECTING: TopicEventKind.COLLECTING,
    TopicStage.AGENDA: TopicEventKind.AGENDA,
    TopicStage.DISCUSSING: TopicEventKind.DISCUSSING,
    TopicStage.VOTING: TopicEventKind.VOTING,
    TopicStage.DECIDED: TopicEventKind.DECIDED,
    TopicStage.WITHDRAWN: TopicEventKind.WITHDRAWN,
    TopicStage.MERGED: TopicEventKind.MERGED,
}


def _change(
    topic: Topic,
    actor: Any,
    action: str,
    *,
    message: str = "",
    fields: tuple[str, ...] = (),
    data: dict | None = None,
    before: Any = None,
) -> Topic:
    """One stage change as the table declares it: lock, check, compare-and-set, event,
    tell the followers."""
    with transaction.atomic():
        fresh = _locked(topic)
        transitions.check(fresh, action, actor, _("You may not do this to this topic."))
        if before is not None:
            before(fresh)
        old = fresh.stage
        target = transitions.TRANSITIONS[action].target
        assert target is not None  # every row used here moves the stage
        fresh.stage = target
        _move(fresh, old, fields)
        _event(
            fresh,
            STAGE_KINDS[TopicStage(target)],
            actor=actor,
            from_stage=old,
            to_stage=target,
            message=message,
            data=data,
        )
        _notify(
            _followers(fresh),
            "stage",
            STAGE_MESSAGES[TopicStage(target)],
            message or STAGE_MESSAGES[TopicStage(target)],
            fresh,
            skip=actor,
        )
    return fresh


def topic_open_support(*, topic: Topic, actor: Any) -> Topic:
    return _change(topic, actor, "open_support")


def topic_put_on_agenda(*, topic: Topic, actor: Any, note: str = "") -> Topic:
    """Staff take a proposal up before it reaches the threshold."""
    return _change(topic, actor, "agenda", message=(note or "").strip()[:REASON_MAX])


def topic_start_discussion(*, topic: Topic, actor: Any) -> Topic:
    return _change(topic, actor, "discuss")


def topic_start_voting(*, topic: Topic, actor: Any) -> Topic:
    """On the agenda or under discussion → voting. Called by the votes when a vote on
    the topic opens."""
    return _change(topic, actor, "start_voting")


def topic_decide(*, topic: Topic, actor: Any, outcome: str) -> Topic:
    """Voting → decided; the outcome text is kept on the topic and in the event."""
    outcome = _require_text(
        outcome, _("Please write the outcome."), code="outcome_required", max_length=BODY_MAX
    )

    def keep(fresh: Topic) -> None:
        fresh.outcome = outcome

    return _change(topic, actor, "decide", message=outcome, fields=("outcome",), before=keep)


def topic_withdraw(*, topic: Topic, actor: Any, reason: str) -> Topic:
    """The proposer or staff close an open topic, with a reason everyone reads."""
    reason = _require_text(
        reason, _("Please give a reason."), code="reason_required", max_length=REASON_MAX
    )

    def keep(fresh: Topic) -> None:
        fresh.closing_reason = reason

    return _change(
        topic, actor, "withdraw", message=reason, fields=("closing_reason",), before=keep
    )


def topic_merge(*, topic: Topic, actor: Any, into: Topic, reason: str) -> Topic:
    """The same matter is discussed in another open topic of the staff member's scope."""
    reason = _require_text(
        reason, _("Please give a reason."), code="reason_required", max_length=REASON_MAX
    )
    if into.pk == topic.pk:
        raise ValidationFailed(_("A topic cannot be merged into itself."), code="merge_self")
    if into.stage in (TopicStage.WITHDRAWN, TopicStage.MERGED, TopicStage.DECIDED):
        raise Conflict(_("The other topic is closed."), code="merge_target_closed")
    if not policies.may_manage(actor, into):
        raise PermissionDenied(_("The other topic is outside your scope."))

    def keep(fresh: Topic) -> None:
        fresh.closing_reason, fresh.merged_into = reason, into

    return _change(
        topic,
        actor,
        "merge",
        message=reason,
        fields=("closing_reason", "merged_into"),
        data={"into": into.pk},
        before=keep,
    )
