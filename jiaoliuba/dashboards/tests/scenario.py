"""November 2026 in 解放路社区, built through the real services with the clock moved by
hand. The expected figures in test_figures.py are worked out from this story by hand.

Working days: Mon 2 Nov 2026 … no holidays in November. Yellow: respond by the end of
the next working day, resolve by the end of the 3rd working day after receipt."""

from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import MediationOutcome, Priority, RatingLevel
from jiaoliuba.dashboards import services as dashboard_services

NOISE = "楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效"
DOG = "对门邻居家的狗每天早上五点就开始叫，老人休息不好，沟通过没用"
RUBBISH = "楼下垃圾站的垃圾好几天没人清运，臭味很大，希望尽快处理"
PARKING = "小区里的车乱停乱放，晚上回家没地方停车，希望物业管管"
LIGHT = "三号楼楼道的灯坏了一个多星期，晚上上下楼看不清"
SPAM = "测试测试"
TWO = [("王某", "楼上住户", ""), ("张某", "楼下住户", "")]


def build(at, submit, staff, residents):
    r = residents
    a = {}
    sync = dashboard_services.rollups_sync

    # A1 — received Mon 2 Nov 10:00, 签收 after 2 h, resolved Wed 4 Nov (due Thu 5 Nov).
    at(2026, 11, 2, 10, 0)
    a[1] = submit(r[0], NOISE)
    at(2026, 11, 2, 12, 0)
    services.appeal_accept(appeal=a[1], actor=staff["grid1"])
    m1 = services.mediation_start(
        appeal=a[1], actor=staff["grid1"], mediator=staff["grid1"], parties=TWO
    )
    at(2026, 11, 4, 16, 0)
    services.mediation_conclude(
        mediation=m1,
        actor=staff["grid1"],
        outcome=MediationOutcome.AGREEMENT,
        agreement_text="九点后不跳绳",
    )
    services.appeal_resolve(appeal=a[1], actor=staff["grid1"], reply="已调解")
    at(2026, 11, 4, 18, 0)
    services.appeal_rate(appeal=a[1], actor=r[0], level=RatingLevel.SATISFIED, solved=True)
    sync()

    # A2 — received Mon 2 Nov 11:00, 签收 Wed 4 Nov 09:00 (46 h, late), extension approved,
    # resolved Mon 9 Nov: inside the extension, late against the original Thu 5 Nov.
    at(2026, 11, 2, 11, 0)
    a[2] = submit(r[1], DOG, grid="411702001001002")
    # A3 — rejected as invalid; A4 — merged into A2: both count in 受理量 only.
    at(2026, 11, 3, 9, 0)
    a[3] = submit(r[2], SPAM)
    services.appeal_reject(appeal=a[3], actor=staff["community"], reason="无效内容")
    at(2026, 11, 3, 10, 0)
    a[4] = submit(r[3], NOISE)
    services.appeal_merge(appeal=a[4], master=a[2], actor=staff["community"])
    at(2026, 11, 4, 9, 0)
    services.appeal_accept(appeal=a[2], actor=staff["grid2"])
    m2 = services.mediation_start(
        appeal=a[2], actor=staff["grid2"], mediator=staff["grid2"], parties=TWO
    )
    at(2026, 11, 5, 10, 0)
    extension = services.appeal_extension_request(
        appeal=a[2], actor=staff["grid2"], working_days=3, reason="需要再次调解"
    )
    services.appeal_extension_decide(extension=extension, actor=staff["secretary"], approve=True)
    at(2026, 11, 6, 15, 0)
    services.mediation_conclude(
        mediation=m2, actor=staff["grid2"], outcome=MediationOutcome.NO_AGREEMENT
    )
    at(2026, 11, 9, 11, 0)
    services.appeal_resolve(appeal=a[2], actor=staff["grid2"], reply="已协调养犬人")
    services.appeal_rate(appeal=a[2], actor=r[1], level=RatingLevel.UNSATISFIED, solved=False)

    sync()

    # A7 — anonymous, by r3 (whose other appeal, A3, was invalid), received Tue 10 Nov 09:00 (due Fri 13 Nov), answered in 1 h,
    # resolved, rated unsatisfied, reopened (a repeat), resolved again on 20 Nov (late)
    # and rated satisfied: the latest rating counts.
    at(2026, 11, 10, 9, 0)
    a[7] = submit(r[2], LIGHT, is_anonymous=True)
    at(2026, 11, 10, 10, 0)
    services.appeal_accept(appeal=a[7], actor=staff["grid1"])
    # Mediation with the property company; it concludes on 1 Dec: December's figure.
    m3 = services.mediation_start(
        appeal=a[7], actor=staff["grid1"], mediator=staff["grid1"], parties=TWO
    )
    at(2026, 11, 11, 10, 0)
    services.appeal_resolve(appeal=a[7], actor=staff["grid1"], reply="已报修")
    services.appeal_rate(appeal=a[7], actor=r[2], level=RatingLevel.UNSATISFIED, solved=False)
    at(2026, 11, 12, 10, 0)
    services.appeal_reopen(appeal=a[7], actor=staff["secretary"], reason="灯还是不亮")
    services.appeal_accept(appeal=a[7], actor=staff["grid1"])
    at(2026, 11, 20, 10, 0)
    services.appeal_resolve(appeal=a[7], actor=staff["grid1"], reply="已更换灯具")
    services.appeal_rate(appeal=a[7], actor=r[2], level=RatingLevel.SATISFIED, solved=True)
    sync()

    # A8 — received Mon 16 Nov, returned before anyone signed: no first response, and
    # both of its deadlines have passed by "now" (2 Dec).
    at(2026, 11, 16, 9, 0)
    a[8] = submit(r[1], RUBBISH)
    at(2026, 11, 16, 11, 0)
    services.appeal_return(appeal=a[8], actor=staff["grid1"], reason="不属于本网格")

    # A9 — received Tue 17 Nov 09:00, 签收 in 30 min, resolved Wed 18 Nov, never rated.
    at(2026, 11, 17, 9, 0)
    a[9] = submit(r[6], PARKING)
    at(2026, 11, 17, 9, 30)
    services.appeal_accept(appeal=a[9], actor=staff["grid1"])
    at(2026, 11, 18, 9, 0)
    services.appeal_resolve(appeal=a[9], actor=staff["grid1"], reply="已通知物业划线")

    # A5 — received Mon 30 Nov 23:30 local: still November. Nobody answers by 1 Dec.
    at(2026, 11, 30, 23, 30)
    # The texts must be unambiguous to the triage model (issue 11 retrained it).
    a[5] = submit(r[4], "楼顶水箱漏水，顶楼天花板一直在滴水，物业电话打不通")
    # A6 — received Tue 1 Dec 00:30 local (30 Nov 16:30 UTC): December's.
    at(2026, 12, 1, 0, 30)
    a[6] = submit(r[5], "社区老年食堂最近饭菜质量下降了，菜端上来经常是凉的")
    services.mediation_conclude(
        mediation=m3,
        actor=staff["grid1"],
        outcome=MediationOutcome.AGREEMENT,
        agreement_text="物业负责",
    )

    at(2026, 12, 2, 12, 0)
    for key in a:
        a[key].refresh_from_db()
    # Dashboards read the rollups as the worker left them; the tests check figures, not
    # timing, so they catch up here as the worker would.
    sync()
    return a


# What the classifier makes of each text; the deadlines above assume it.
PRIORITIES = {
    1: (Priority.YELLOW, "neighbor"),
    2: (Priority.YELLOW, "neighbor"),
    5: (Priority.RED, "property"),
    6: (Priority.YELLOW, "livelihood"),
    7: (Priority.YELLOW, "property"),
    8: (Priority.YELLOW, "property"),
    9: (Priority.YELLOW, "property"),
}
