"""Objects outside every swept role's scope, one builder per kind of id in a route.

The access-control sweep (portal/tests/test_access_sweep.py) builds each kind once, in
西平县 棠溪社区 (which no swept role covers), with MARKER in its text and PRIVATE_MARKER in
what is never public (a visitor's name, a review note, a booking's attendee). Each role then
asks for it by id and must be refused with none of that text in the answer.

Rows are written directly where a service would need a chain of earlier steps (a builder
makes the minimal valid row an in-scope person would see: open, published, visible);
votes and unit registers go through their services. A builder takes the World and returns
the object's primary key; builders may ask the World for other kinds (a shift needs a venue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from jiaoliuba.appeals.models import Attachment, Extension, RiskAlert
from jiaoliuba.bookings.models import Booking, Expert, ExpertRequest, Service, Session
from jiaoliuba.community.models import Idea, Notice, NoticeChannel, Story, StoryMedia, Wish
from jiaoliuba.core import clock
from jiaoliuba.deliberation.models import (
    Comment,
    ConsensusQuestion,
    Meeting,
    MeetingParty,
    Milestone,
    Objection,
    ProgressPhoto,
    ProgressUpdate,
    Resolution,
    Statement,
    Topic,
)
from jiaoliuba.deliberation.voting import services as vote_services
from jiaoliuba.deliberation.voting.services import VoteSpec
from jiaoliuba.notifications.services import notify
from jiaoliuba.points.models import Honour, PointsAccount, Redemption, StoreItem
from jiaoliuba.venues.models import Shift, SwapRequest, Venue, VenuePhoto, Visit

MARKER = "越界标记XJ7Q"  # in every built object's text; must never come back out of scope
PRIVATE_MARKER = "私密标记PV3K"  # in fields that even a public page must never show

XIPING_COMMUNITY = "411721001001"
XIPING_GRID = "411721001001001"


@dataclass
class World:
    """What the builders share: the region tree, a resident and a staff member of the
    community outside scope, the appeal made there, and what was built so far."""

    regions: dict[str, Any]
    owner: Any  # a resident of XIPING_GRID
    staff: Any  # community staff of XIPING_COMMUNITY
    appeal: Any  # an appeal of the owner's
    built: dict[str, int] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)

    @property
    def community(self) -> Any:
        return self.regions[XIPING_COMMUNITY]

    @property
    def path(self) -> str:
        return self.community.path

    def get(self, kind: str) -> int:
        if kind not in self.built:
            if kind not in BUILDERS:
                raise KeyError(f"No builder for “{kind}” in jiaoliuba/testing/access_objects.py")
            self.built[kind] = BUILDERS[kind](self)
        return self.built[kind]

    def row(self, kind: str) -> Any:
        self.get(kind)
        return self.rows[kind]

    def keep(self, kind: str, obj: Any) -> int:
        self.rows[kind] = obj
        return int(obj.pk)


def _now() -> dt.datetime:
    return clock.now()


def _file(folder: str) -> str:
    """A small stored file (a JPEG's first bytes) whose name carries the marker."""
    return default_storage.save(f"{folder}/{MARKER}.jpg", ContentFile(b"\xff\xd8\xff\xe0sweep"))


# --- appeals --------------------------------------------------------------------------------


def appeal(w: World) -> int:
    return w.keep("appeal", w.appeal)


def resident(w: World) -> int:
    return w.keep("resident", w.owner.resident)


def attachment(w: World) -> int:

    row = Attachment.objects.create(
        appeal=w.appeal,
        kind="image",
        file=_file("appeals"),
        content_type="image/jpeg",
        size=1,
    )
    return w.keep("attachment", row)


def notification(w: World) -> int:
    (row,) = notify(
        recipients=[w.owner], kind="appeal_update", title=MARKER, body=MARKER, channels=()
    )
    return w.keep("notification", row)


def extension(w: World) -> int:

    row = Extension.objects.create(
        appeal=w.appeal, reason=MARKER, working_days=2, created_at=_now()
    )
    return w.keep("extension", row)


def alert(w: World) -> int:

    row = RiskAlert.objects.create(
        kind="surge",
        key=f"surge:{w.path}:{MARKER}",
        community=w.community,
        region_path=w.path,
        summary=MARKER,
        created_at=_now(),
    )
    return w.keep("alert", row)


def region(w: World) -> int:
    return w.keep("region", w.community)


# --- deliberation ---------------------------------------------------------------------------


def topic(w: World) -> int:

    now = _now()
    row = Topic.objects.create(
        title=f"{MARKER} 议题",
        body=MARKER,
        source="resident",
        scope=w.community,
        scope_path=w.path,
        stage="collecting",
        created_at=now,
        updated_at=now,
    )
    return w.keep("topic", row)


def comment(w: World) -> int:

    row = Comment.objects.create(topic=w.row("topic"), body=MARKER, created_at=_now())
    return w.keep("comment", row)


def question(w: World) -> int:

    now = _now()
    row = ConsensusQuestion.objects.create(
        topic=w.row("topic"), prompt=MARKER, scope_path=w.path, created_at=now, updated_at=now
    )
    return w.keep("question", row)


def statement(w: World) -> int:

    row = Statement.objects.create(question=w.row("question"), body=MARKER, created_at=_now())
    return w.keep("statement", row)


def vote(w: World) -> int:

    spec = VoteSpec(
        title=f"{MARKER} 表决",
        scope=w.community,
        kind="single",
        eligibility="person",
        options=[f"{MARKER} 甲", f"{MARKER} 乙"],
    )
    made = vote_services.vote_create(actor=w.staff, spec=spec)
    return w.keep("vote", vote_services.vote_open(vote=made, actor=w.staff))


def register(w: World) -> int:

    row = vote_services.unit_register_create(actor=w.staff, name=MARKER, scope=w.community)
    vote_services.unit_register_import(
        register=row,
        actor=w.staff,
        text=f"楼栋,单元,房号,专有面积,业主,手机号,开发商持有\n1,1,101,90,{MARKER},13912345678,否\n",
    )
    return w.keep("register", row)


def meeting(w: World) -> int:

    now = _now()
    row = Meeting.objects.create(
        title=f"{MARKER} 议事会",
        kind="regular",
        scope=w.community,
        scope_path=w.path,
        starts_at=now + dt.timedelta(days=1),
        checkin_secret="sweep-secret-0123456789",
        created_at=now,
        updated_at=now,
    )
    return w.keep("meeting", row)


def party(w: World) -> int:

    row = MeetingParty.objects.create(meeting=w.row("meeting"), side="resident_rep", name=MARKER)
    return w.keep("party", row)


def resolution(w: World) -> int:

    now = _now()
    row = Resolution.objects.create(
        meeting=w.row("meeting"),
        scope_path=w.path,
        title=f"{MARKER} 决议",
        text=MARKER,
        status="effective",
        created_at=now,
        updated_at=now,
    )
    return w.keep("resolution", row)


def objection(w: World) -> int:

    row = Objection.objects.create(resolution=w.row("resolution"), text=MARKER, created_at=_now())
    return w.keep("objection", row)


def milestone(w: World) -> int:

    row = Milestone.objects.create(
        resolution=w.row("resolution"),
        title=MARKER,
        due_on=clock.local_now().date(),
        created_at=_now(),
    )
    return w.keep("milestone", row)


def progress_photo(w: World) -> int:

    update = ProgressUpdate.objects.create(milestone=w.row("milestone"), created_at=_now())
    row = ProgressPhoto.objects.create(
        update=update, file=_file("progress"), content_type="image/jpeg", size=1
    )
    return w.keep("progress_photo", row)


# --- community ------------------------------------------------------------------------------


def wish(w: World) -> int:

    row = Wish.objects.create(
        community=w.community, region_path=w.path, title=MARKER, body=MARKER, created_at=_now()
    )
    return w.keep("wish", row)


def idea(w: World) -> int:

    row = Idea.objects.create(
        community=w.community, region_path=w.path, title=MARKER, body=MARKER, created_at=_now()
    )
    return w.keep("idea", row)


def story(w: World) -> int:
    """Submitted, not published: the public story page must not show it to anyone."""

    row = Story.objects.create(
        community=w.community,
        region_path=w.path,
        title=MARKER,
        body=MARKER,
        review_note=PRIVATE_MARKER,
        created_at=_now(),
    )
    return w.keep("story", row)


def media(w: World) -> int:

    row = StoryMedia.objects.create(
        story=w.row("story"), kind="image", file=_file("stories"), content_type="image/jpeg"
    )
    return w.keep("media", row)


def notice(w: World) -> int:
    """Published to one grid (its recipients only): neither public nor anyone else's."""

    now = _now()
    channel = NoticeChannel.objects.filter(region=w.community).first()
    if channel is None:
        channel = NoticeChannel.objects.create(
            region=w.community, region_path=w.path, created_at=now
        )
    row = Notice.objects.create(
        channel=channel,
        region_path=w.path,
        kind="other",
        title=MARKER,
        body=MARKER,
        scope="grid",
        scope_region=w.regions[XIPING_GRID],
        status="published",
        created_at=now,
        published_at=now,
    )
    return w.keep("notice", row)


# --- bookings -------------------------------------------------------------------------------


def service(w: World) -> int:

    row = Service.objects.create(
        region=w.community,
        region_path=w.path,
        title=MARKER,
        description=MARKER,
        kind="legal",
        provider_kind="staff",
        created_at=_now(),
    )
    return w.keep("service", row)


def session(w: World) -> int:

    now = _now()
    starts = now + dt.timedelta(days=2)
    row = Session.objects.create(
        service=w.row("service"),
        region_path=w.path,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        day=starts.astimezone(clock.SHANGHAI).date(),
        capacity=5,
        opens_at=now - dt.timedelta(days=1),
        closes_at=starts,
        cancel_until=starts,
        created_at=now,
    )
    return w.keep("session", row)


def booking(w: World) -> int:

    now = _now()
    row = Booking.objects.create(
        session=w.row("session"),
        resident=w.owner,
        resident_path=w.owner.resident.region_path,
        attendee=PRIVATE_MARKER,
        status="reserved",
        created_at=now,
        updated_at=now,
    )
    return w.keep("booking", row)


def request(w: World) -> int:

    now = _now()
    expert = Expert.objects.create(
        region=w.community, region_path=w.path, name=MARKER, created_at=now
    )
    row = ExpertRequest.objects.create(
        subject="appeal",
        subject_title=MARKER,
        subject_url=f"/appeals/{w.appeal.pk}/",
        region_path=w.path,
        expert=expert,
        note=MARKER,
        created_at=now,
        updated_at=now,
    )
    return w.keep("request", row)


# --- venues ---------------------------------------------------------------------------------


def venue(w: World) -> int:

    now = _now()
    row = Venue.objects.create(
        region=w.community,
        region_path=w.path,
        name=f"{MARKER} 交流吧",
        address=MARKER,
        area_m2=20,
        created_at=now,
        updated_at=now,
    )
    return w.keep("venue", row)


def venue_photo(w: World) -> int:

    row = VenuePhoto.objects.create(
        venue=w.row("venue"),
        file=_file("venues"),
        content_type="image/jpeg",
        size=1,
        created_at=_now(),
    )
    return w.keep("venue_photo", row)


def shift(w: World) -> int:

    now = _now()
    starts = now + dt.timedelta(days=1)
    row = Shift.objects.create(
        venue=w.row("venue"),
        person=w.staff,
        duty_role="staff",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        day=starts.astimezone(clock.SHANGHAI).date(),
        created_at=now,
    )
    return w.keep("shift", row)


def swap(w: World) -> int:

    row = SwapRequest.objects.create(
        shift=w.row("shift"),
        requested_by=w.staff,
        replacement=w.owner,
        reason=MARKER,
        created_at=_now(),
    )
    return w.keep("swap", row)


def visit(w: World) -> int:

    now = _now()
    row = Visit.objects.create(
        venue=w.row("venue"),
        region_path=w.path,
        received_at=now,
        day=now.astimezone(clock.SHANGHAI).date(),
        visitor_path=w.owner.resident.region_path,
        visitor_name=PRIVATE_MARKER,
        topic=MARKER,
        detail=PRIVATE_MARKER,
        outcome="suggestion",
        created_at=now,
    )
    return w.keep("visit", row)


# --- points ---------------------------------------------------------------------------------


def honour(w: World) -> int:

    row = Honour.objects.create(
        kind="good_voice",
        quarter="2026Q4",
        community=w.community,
        community_path=w.path,
        user=w.owner,
        points=10,
        citation=MARKER,
        created_at=_now(),
    )
    return w.keep("honour", row)


def item(w: World) -> int:

    now = _now()
    row = StoreItem.objects.create(
        region=w.community,
        region_path=w.path,
        name=MARKER,
        description=MARKER,
        price=10,
        created_at=now,
        updated_at=now,
    )
    return w.keep("item", row)


def redemption(w: World) -> int:

    account, _made = PointsAccount.objects.get_or_create(
        user=w.owner,
        defaults={"region_path": w.owner.resident.region_path, "updated_at": _now()},
    )
    row = Redemption.objects.create(
        item=w.row("item"),
        account=account,
        price=10,
        pickup_code="SWEEP1",
        request_key=MARKER,
        region_path=account.region_path,
        created_at=_now(),
    )
    return w.keep("redemption", row)


BUILDERS: dict[str, Callable[[World], int]] = {
    f.__name__: f
    for f in (
        appeal, resident, attachment, notification, extension, alert, region,
        topic, comment, question, statement, vote, register, meeting, party, resolution,
        objection, milestone, progress_photo,
        wish, idea, story, media, notice,
        service, session, booking, request,
        venue, venue_photo, shift, swap, visit,
        honour, item, redemption,
    )
}  # fmt: skip
