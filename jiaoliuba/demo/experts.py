"""Demo: the 物业费调价 meeting asked 吴律师 of the expert pool to attend (accepted), and an
open appeal of 解放路社区 asks a structural engineer (李工, no account) to look at a
building, still waiting for his answer. Runs after the meetings demo and the bookings
demo (吴律师 joins the pool there)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.choices import OPEN_STATUSES
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.bookings import services
from jiaoliuba.bookings.models import Expert, ExpertRequest
from jiaoliuba.deliberation.meetings.demo import TITLE as MEETING_TITLE
from jiaoliuba.deliberation.models import Meeting
from jiaoliuba.regions.models import Region

STREET = "411702001000"
COMMUNITY_PATH_CODE = "411702001001"


def load_expert_requests_demo() -> bool:
    """True when created; False when already there or something it needs is missing."""
    if ExpertRequest.objects.exists():
        return False
    staff = User.objects.filter(username="community_staff").first()
    officer = User.objects.filter(username="street_officer").first()
    lawyer = Expert.objects.filter(user__username="lawyer").first()
    meeting = Meeting.objects.filter(title=MEETING_TITLE).first()
    street = Region.objects.filter(code=STREET).first()
    community = Region.objects.filter(code=COMMUNITY_PATH_CODE).first()
    if None in (staff, officer, lawyer, meeting, street, community):
        return False
    assert staff is not None and officer is not None and lawyer is not None
    assert meeting is not None and street is not None and community is not None
    appeal = (
        Appeal.objects.filter(region_path__startswith=community.path, status__in=OPEN_STATUSES)
        .order_by("-received_at")
        .first()
    )
    with transaction.atomic():
        asked = services.expert_request_create(
            actor=staff,
            subject=f"meeting:{meeting.pk}",
            expert=lawyer,
            specialty="物业纠纷",
            note="物业费调价议事会：请律师到场，讲解物业服务合同和调价程序是否合规。",
        )
        services.expert_request_answer(
            actor=lawyer.user, request=asked, accept=True, answer="会前一天看合同，当晚准时到。"
        )
        if appeal is not None:
            engineer = Expert.objects.filter(name="李工").first() or services.expert_create(
                actor=officer,
                name="李工",
                profession="结构工程师",
                region=street,
                skills="房屋安全, 承重墙, 外墙脱落",
                organisation="驿城区建筑设计院",
            )
            services.availability_add(
                actor=officer, expert=engineer, weekday=5, starts=dt.time(9), ends=dt.time(12)
            )
            services.expert_request_create(
                actor=staff,
                subject=f"appeal:{appeal.pk}",
                expert=engineer,
                specialty="房屋安全",
                note="居民反映楼道墙面开裂，请工程师周六上午到现场看一下是否有安全隐患。",
            )
    return True
