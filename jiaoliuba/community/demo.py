"""The demo city's community life (issue 16) in 解放路社区, through the real services and
the clock moved by hand: notices in the community's and grid 1's channels with read
receipts and replies, a wish wall (fulfilled, claimed and open wishes), a 金点子榜 of
adopted ideas shown with consent, and two published stories with photos. Idempotent."""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction
from PIL import Image

from jiaoliuba.accounts.models import ResidentProfile, User
from jiaoliuba.community import services
from jiaoliuba.community.choices import NoticeKind, NoticeScope
from jiaoliuba.community.models import Notice
from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.regions.models import Region

COMMUNITY = "411702001001"
GRID = "411702001001001"
FIRST_NOTICE = "防汛预警：今夜至明晨有大到暴雨"


def _at(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    day = clock.local_now().date() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def _photo(colour: tuple[int, int, int], accent: tuple[int, int, int]) -> io.BytesIO:
    """A plain picture (the demo ships no photographs): sky, ground and a sun."""
    image = Image.new("RGB", (800, 600), colour)
    for y in range(380, 600):
        for x in range(0, 800, 4):
            image.putpixel((x, y), accent)
    for dx in range(-40, 41):
        for dy in range(-40, 41):
            if dx * dx + dy * dy <= 1600:
                image.putpixel((620 + dx, 130 + dy), (250, 200, 60))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    out.seek(0)
    return out


def load_community_demo() -> int:
    """Returns how many notices it made: 0 when already there or when the staff or the
    residents it needs are missing."""
    if Notice.objects.filter(title=FIRST_NOTICE).exists():
        return 0
    community = Region.objects.filter(code=COMMUNITY).first()
    grid = Region.objects.filter(code=GRID).first()
    staff = User.objects.filter(username="community_staff").first()
    secretary = User.objects.filter(username="secretary").first()
    worker = User.objects.filter(username="grid_worker").first()
    volunteer = User.objects.filter(username="volunteer").first()
    if None in (community, grid, staff, secretary, worker, volunteer):
        return 0
    assert community is not None and grid is not None  # for mypy
    assert staff is not None and secretary is not None and worker is not None
    assert volunteer is not None
    people = [
        p.user
        for p in ResidentProfile.objects.filter(community=community, grid=grid)
        .select_related("user")
        .order_by("pk")[:40]
    ]
    if len(people) < 12:
        return 0
    with transaction.atomic():
        made = _notices(community, grid, staff, worker, people)
        _wishes(community, volunteer, people)
        _ideas(community, secretary, people)
        _stories(community, staff, people)
    return made


def _notices(community, grid, staff, worker, people) -> int:
    channel = services.channel_ensure(region=community)
    grid_channel = services.channel_ensure(region=grid)
    specs = [
        (
            8,
            channel,
            staff,
            NoticeKind.POLICY,
            "2027 年度城乡居民医保开始缴费",
            "缴费时间：即日起至 12 月 31 日。可在社区服务区现场办理，也可通过手机缴费；"
            "行动不便的老人可预约网格员上门协助。",
            NoticeScope.COMMUNITY,
            "",
        ),
        (
            5,
            channel,
            staff,
            NoticeKind.MEETING,
            "邀请参加本月居民议事会：社区食堂选址",
            "时间：周三晚 19:00，地点：社区交流吧议事区。欢迎居民代表和关心此事的居民参加。",
            NoticeScope.COMMUNITY,
            "",
        ),
        (
            2,
            grid_channel,
            worker,
            NoticeKind.OTHER,
            "3号楼周四上午停水检修",
            "周四 9:00–12:00 更换 3号楼供水阀门，请提前储水。",
            NoticeScope.BUILDING,
            "3号楼",
        ),
        (
            1,
            channel,
            staff,
            NoticeKind.WEATHER,
            FIRST_NOTICE,
            "请低洼处住户提前做好防范，地下车库车辆今晚 20:00 前移至地面；"
            "如遇积水或险情请立即联系网格员。",
            NoticeScope.COMMUNITY,
            "",
        ),
    ]
    notices = []
    for days, ch, author, kind, title, body, scope, building in specs:
        with clock.pinned(_at(days, 9, 30)):
            notice = services.notice_create(
                actor=author,
                channel=ch,
                kind=kind,
                title_text=title,
                body=body,
                scope=scope,
                grid=grid if scope == NoticeScope.BUILDING else None,
                building=building,
            )
            notices.append(services.notice_publish(actor=author, notice=notice))
    # Read receipts: most read the warning within hours, fewer the older notices.
    for index, notice in enumerate(notices):
        share = (0.55, 0.7, 0.8, 0.85)[index]
        for n, person in enumerate(people[: int(len(people) * share)]):
            with clock.pinned(_at((8, 5, 2, 1)[index], 10 + n % 10, n % 60)):
                services.notice_read(user=person, notice=notice)
    warning, meeting = notices[3], notices[1]
    with clock.pinned(_at(1, 11, 5)):
        question = services.reply_post(
            actor=people[0], notice=warning, body="地下车库的车停到哪里比较好？"
        )
    with clock.pinned(_at(1, 11, 20)):
        services.reply_post(
            actor=staff,
            notice=warning,
            parent=question,
            body="可临时停在社区北侧广场，已和物业沟通好，明早 8 点前挪回即可。",
        )
    with clock.pinned(_at(1, 12, 0)):
        services.reply_post(actor=people[1], notice=warning, body="收到，我会提醒楼里的老人。")
    with clock.pinned(_at(4, 20, 0)):
        services.reply_post(
            actor=people[2], notice=meeting, body="我家离食堂选址近，想参加，需要报名吗？"
        )
    return len(notices)


def _wishes(community, volunteer, people) -> None:
    specs = [
        (
            20,
            people[3],
            "想找人周六陪母亲读报",
            "母亲 82 岁，眼睛不好，想听人读读报纸。",
            "fulfil",
            "郑志愿者每周六上午陪老人读报一小时，已坚持三周。",
        ),
        (
            14,
            people[4],
            "家里旧电脑想教孩子编程",
            "有闲置电脑，希望有人周末教孩子一些入门知识。",
            "fulfil",
            "志愿者联系了大学生志愿队，每周日下午在交流吧开课。",
        ),
        (6, people[5], "楼下自行车棚灯坏了", "晚上回家太黑，希望有人帮忙修一下。", "claim", ""),
        (3, people[6], "想学用手机挂号", "子女不在身边，想学会用手机预约医院。", "", ""),
        (1, people[7], "想找邻居一起晨练太极", "", "", ""),
    ]
    for days, author, title, body, step, note in specs:
        with clock.pinned(_at(days, 8, 40)):
            wish = services.wish_post(
                actor=author, community=community, title_text=title, body=body
            )
        if step:
            with clock.pinned(_at(days, 15)):
                wish = services.wish_claim(actor=volunteer, wish=wish)
        if step == "fulfil":
            with clock.pinned(_at(max(days - 5, 0), 18)):
                services.wish_fulfil(actor=volunteer, wish=wish, note=note)


def _ideas(community, secretary, people) -> None:
    specs = [
        (
            40,
            people[8],
            True,
            "闲置活动室改成老年助餐点",
            "把一楼闲置活动室改成午间老年助餐点。",
            "每天午间约 40 位老人就餐，子女满意度明显提高。",
        ),
        (
            25,
            people[9],
            True,
            "楼道加装扶手和夜灯",
            "老楼楼道陡，老人上下楼不方便。",
            "3、5、8号楼加装扶手 36 处、感应夜灯 24 盏。",
        ),
        (
            18,
            people[10],
            False,
            "快递柜旁设临时寄存架",
            "快递柜满时包裹堆在地上。",
            "寄存架投用后，丢件投诉从每月 6 起降到 0 起。",
        ),
        (4, people[11], True, "周末开放交流吧做自习室", "孩子周末没地方安静写作业。", ""),
    ]
    for days, author, consent, title, body, effect in specs:
        with clock.pinned(_at(days, 19)):
            idea = services.idea_submit(
                actor=author,
                community=community,
                title_text=title,
                body=body,
                consent_public=consent,
            )
        if effect:
            with clock.pinned(_at(days - 3, 10)):
                services.idea_adopt(actor=secretary, idea=idea, effect=effect)


def _stories(community, staff, people) -> None:
    specs = [
        (
            12,
            people[3],
            "读报的周六",
            (150, 190, 230),
            (90, 160, 90),
            "每个周六上午，郑志愿者都会准时敲开王奶奶家的门。从国家大事到小区新闻，"
            "一份报纸读完，王奶奶总要拉着他再聊一会儿。心愿墙上的一个小心愿，变成了一段忘年交。",
        ),
        (
            7,
            people[8],
            "老年助餐点开张了",
            (240, 210, 170),
            (200, 120, 80),
            "闲置多年的活动室，在居民的金点子和议事会的讨论下变成了助餐点。开张第一天，"
            "三十多位老人排队吃上了热乎的午饭，有人说：“这下子女也放心了。”",
        ),
    ]
    for days, author, title, sky, ground, body in specs:
        with clock.pinned(_at(days, 20)):
            story = services.story_submit(
                actor=author,
                community=community,
                title_text=title,
                body=body,
                files=[("photo.jpg", _photo(sky, ground))],
            )
        with clock.pinned(_at(days - 1, 9)):
            services.story_publish(actor=staff, story=story)
