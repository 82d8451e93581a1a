"""Issue 9, items 9, 10 and 13: the 受理回执 with its tracking link, appeals filed without an
account (challenge, rate limits, the tracking page), and 我的诉求 (search, filters,
withdraw, add material)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult
from PIL import Image

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals import services, tracking
from jiaoliuba.appeals.choices import Channel, EventKind, RatingLevel, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent, Attachment, Rating
from jiaoliuba.appeals.tasks import contact_sms
from jiaoliuba.core import clock
from jiaoliuba.core.crypto import lookup_hash
from jiaoliuba.core.errors import Conflict, NotFound
from jiaoliuba.core.models import SmsOutbox
from jiaoliuba.dashboards import selectors as dashboard_selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.periods import period_containing
from jiaoliuba.notifications.models import Delivery, Notification
from jiaoliuba.notifications.tasks import deliver
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1
from jiaoliuba.testing.tasks import run_intake_follow_ups

pytestmark = pytest.mark.django_db
SITE = "https://jlb.example.gov.cn"
NOISE = "楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效"


def sms_to(phone: str) -> list[str]:
    return list(
        SmsOutbox.objects.filter(phone_hash=lookup_hash(phone, purpose="phone"))
        .order_by("id")
        .values_list("body", flat=True)
    )


def send_all_sms() -> None:
    for pk in Delivery.objects.filter(channel="sms", status="pending").values_list("pk", flat=True):
        deliver.call(pk)


def shown_deadline(moment: dt.datetime) -> str:
    local = moment.astimezone(clock.SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def guest_post(client: Client, **fields):
    """Fetch the form, answer its sum, post it."""
    form = client.get("/appeals/guest/")
    assert form.status_code == 200
    challenge = form.context["challenge"]
    data = {
        "community": JIEFANG,
        "content": "小区东门路灯坏了一个多星期，晚上很黑，老人出门不方便",
        "challenge_token": challenge.token,
        "challenge_answer": str(challenge.question_a + challenge.question_b),
        "idempotency_key": form.context["idempotency_key"],
    } | fields
    return client.post("/appeals/guest/", data)


# --- item 9: the receipt ---------------------------------------------------------------------


def test_online_appeal_gets_a_receipt_in_inbox_and_sms(submit, resident, settings):
    settings.SITE_URL = SITE
    appeal = submit()
    run_intake_follow_ups()  # the worker's part: notices, bands, risk
    assert tracking.normalize(appeal.tracking_code) == appeal.tracking_code
    assert appeal.tracking_code not in appeal.number
    note = Notification.objects.get(recipient=resident, kind="appeal.received")
    due = shown_deadline(appeal.resolution_due_at)
    assert appeal.number in note.title and "已受理" in note.title
    assert due in note.body and appeal.tracking_code in note.body
    assert note.link == f"/t/{appeal.tracking_code}/"

    send_all_sms()
    [receipt] = [m for m in sms_to("13800000001") if appeal.number in m]
    assert receipt.startswith("【交流吧】")
    assert due in receipt and f"{SITE}/t/{appeal.tracking_code}/" in receipt
    # The link of the receipt works without signing in.
    page = Client().get(f"/t/{appeal.tracking_code}/")
    assert page.status_code == 200 and appeal.number in page.content.decode()


def test_desk_intake_sends_the_receipt_to_the_resident(login_client, staff, settings):
    settings.SITE_URL = SITE
    desk = login_client(staff["community"])
    response = desk.post(
        "/workbench/appeals/new/",
        {
            "channel": Channel.WINDOW,
            "resident_phone": "13911112222",
            "resident_name": "李大爷",
            "community": JIEFANG,
            "content": "3号楼下水道堵了，污水漫到楼道里",
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(channel=Channel.WINDOW)
    assert appeal.created_by == staff["community"] and appeal.submitter is not None
    run_intake_follow_ups()  # the worker's part: notices, bands, risk
    note = Notification.objects.get(recipient=appeal.submitter, kind="appeal.received")
    assert appeal.tracking_code in note.body and note.link == f"/t/{appeal.tracking_code}/"
    send_all_sms()
    [receipt] = [m for m in sms_to("13911112222") if appeal.number in m]
    assert f"{SITE}/t/{appeal.tracking_code}/" in receipt
    assert shown_deadline(appeal.resolution_due_at) in receipt
    # The desk sees the code too, to write it on the paper receipt.
    page = desk.get(response["Location"])
    assert appeal.tracking_code in page.content.decode()


def test_resolution_message_carries_the_rating_link_and_the_reply_as_data(
    submit, staff, resident, settings
):
    settings.SITE_URL = SITE
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    reply = "物业费涨了30%，%(number)s 已协调 {% debug %}"
    services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply=reply)
    note = Notification.objects.get(recipient=resident, kind="appeal.resolved")
    assert note.body == reply
    assert note.link == f"/t/{appeal.tracking_code}/"
    send_all_sms()
    [message] = [m for m in sms_to("13800000001") if "评价" in m]
    assert f"{SITE}/t/{appeal.tracking_code}/" in message and "30%" in message

    # The link rates without signing in, once.
    page = Client().get(f"/t/{appeal.tracking_code}/")
    assert 'id="rate"' in page.content.decode() and "{% debug %}" in page.content.decode()
    Client().post(
        f"/t/{appeal.tracking_code.lower()}/rate/",
        {"level": RatingLevel.SATISFIED, "solved": "1"},
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    assert Rating.objects.get(appeal=appeal).rater == resident
    Client().post(f"/t/{appeal.tracking_code}/rate/", {"level": "unsatisfied", "solved": "0"})
    assert Rating.objects.filter(appeal=appeal).count() == 1


# --- item 10: without an account -------------------------------------------------------------


def test_guest_appeal_shows_a_code_and_is_handled_like_any_other(
    staff, login_client, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = guest_post(client, contact_phone="13955556666")
        run_intake_follow_ups()  # the worker's part: notices, bands, risk
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/t/{appeal.tracking_code}/"
    assert appeal.submitter is None and appeal.channel == Channel.ONLINE
    assert appeal.status == Status.DISPATCHED and appeal.assignee is not None
    assert appeal.current_due_at is not None  # the clocks run
    # No account is created or borrowed for a number nobody verified.
    assert not User.objects.filter(phone_hash=lookup_hash("13955556666", purpose="phone")).exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'id="tracking-code">{appeal.tracking_code}<' in page.content.decode()

    [task] = DBTaskResult.objects.filter(task_path="jiaoliuba.appeals.tasks.contact_sms")
    assert task.args_kwargs["args"] == [appeal.pk, "receipt"]
    assert "13955556666" not in str(task.args_kwargs)  # the number stays encrypted
    contact_sms.call(*task.args_kwargs["args"])
    [receipt] = sms_to("13955556666")
    assert appeal.tracking_code in receipt and appeal.number in receipt

    queue = login_client(staff["community"]).get("/workbench/appeals/")
    assert appeal.number in queue.content.decode()


def test_guest_form_needs_the_challenge_and_an_empty_honeypot(regions):
    client = Client()
    assert guest_post(client, challenge_answer="").status_code == 400
    assert guest_post(client, challenge_answer="999").status_code == 400
    assert guest_post(client, challenge_token="forged").status_code == 400
    assert guest_post(client, website="http://spam.example").status_code == 400
    assert not Appeal.objects.exists()
    # One solved challenge files one appeal: a replayed form is refused.
    form = client.get("/appeals/guest/")
    challenge = form.context["challenge"]
    data = {
        "community": JIEFANG,
        "content": "小区东门路灯坏了一个多星期",
        "challenge_token": challenge.token,
        "challenge_answer": str(challenge.question_a + challenge.question_b),
    }
    assert client.post("/appeals/guest/", data).status_code == 302
    assert client.post("/appeals/guest/", data).status_code == 400
    assert Appeal.objects.count() == 1


def test_guest_submissions_are_rate_limited_per_network(regions, settings):
    settings.APPEAL_GUEST_MAX_PER_IP_PER_HOUR = 2
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert guest_post(client).status_code == 302
    assert guest_post(client, content="单元门禁坏了，外人随便进出").status_code == 302
    refused = guest_post(client, content="垃圾站三天没人清理")
    assert refused.status_code == 429
    assert Appeal.objects.count() == 2
    # Another network is not affected.
    assert guest_post(Client(REMOTE_ADDR="10.9.9.9")).status_code == 302


def test_wrong_codes_are_404_and_too_many_misses_are_refused(submit, settings):
    settings.APPEAL_TRACK_MAX_MISSES_PER_IP_PER_HOUR = 3
    appeal = submit()
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.get(f"/t/{appeal.number}/").status_code == 404  # the number is no code
    assert client.get("/t/ABCDEFGHJK/").status_code == 404
    assert client.get("/t/x/").status_code == 404
    assert client.get(f"/t/{appeal.tracking_code}/").status_code == 429
    assert Client(REMOTE_ADDR="10.7.7.7").get(f"/t/{appeal.tracking_code}/").status_code == 200


def test_tracking_page_shows_public_progress_only(submit, staff, resident):
    appeal = submit("楼上邻居每晚跳绳，我的电话13800000001，住5号楼2单元301室")
    services.appeal_note(appeal=appeal, actor=staff["grid1"], message="内部备注：此人常投诉")
    services.appeal_reply(appeal=appeal, actor=staff["grid1"], message="明天上午上门了解情况")
    html = Client().get(f"/t/{appeal.tracking_code}/").content.decode()
    assert "明天上午上门了解情况" in html
    assert "内部备注" not in html
    assert resident.display_name not in html and "13800000001" not in html
    assert "5号楼" not in html
    assert staff["grid1"].username not in html


def test_guest_rates_with_the_code_once(staff, regions):
    client = Client()
    guest_post(client)
    appeal = Appeal.objects.get()
    services.appeal_accept(appeal=appeal, actor=appeal.assignee)
    services.appeal_resolve(appeal=appeal, actor=appeal.assignee, reply="路灯已更换")
    client.post(
        f"/t/{appeal.tracking_code}/rate/", {"level": RatingLevel.UNSATISFIED, "solved": "0"}
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED
    assert Rating.objects.get(appeal=appeal).rater is None
    client.post(f"/t/{appeal.tracking_code}/rate/", {"level": RatingLevel.SATISFIED, "solved": "1"})
    assert Rating.objects.filter(appeal=appeal).count() == 1
    with pytest.raises(NotFound):
        services.appeal_rate(
            appeal=appeal, actor=None, level="satisfied", solved=True, tracking_code="WRONGCODE2"
        )


def test_dashboards_count_guest_and_withdrawn_appeals_sanely(
    submit, staff, resident, make_resident, regions
):
    """A guest appeal is a valid appeal (received, handled, in the rates) but no resident's
    participation: nobody registered took part. A withdrawn one counts in 受理量 and not in the
    appeal KPIs, but its filer took part (DESIGN: an act is any appeal that is not invalid)."""
    services.appeal_submit(
        submitter=None,
        intake=services.Intake(content="东门路灯坏了一个多星期", community=regions[JIEFANG]),
    )
    submit()
    other = make_resident(JIEFANG_G1, name="王芳")
    withdrawn = submit("单元门禁坏了，外人随便进出，希望尽快修理", user=other)
    services.appeal_withdraw(appeal=withdrawn, actor=other, reason="已自行联系物业")
    dashboard_services.rollups_sync()
    today = clock.now().astimezone(clock.SHANGHAI).date()
    figures = dashboard_selectors.kpi_figures(
        region=regions[JIEFANG], period=period_containing("month", today)
    )
    assert figures["received"].value == 3
    assert figures["received"].extra["valid"] == 2
    assert figures["resolution_rate"].denominator == 2
    # 张秀兰 and 王芳 (withdrawn); the guest is nobody registered.
    assert figures["participation_rate"].numerator == 2


# --- item 13: my appeals ---------------------------------------------------------------------


def test_my_appeals_search_and_filters(submit, resident, login_client, staff):
    old = submit(
        "小区健身器材损坏，存在安全隐患",
        received_at=clock.now() - dt.timedelta(days=40),
    )
    noise = submit()
    services.appeal_withdraw(appeal=noise, actor=resident, reason="")
    lamp = submit("楼下路灯不亮了，晚上走路看不见")
    client = login_client(resident)

    def numbers(query: str) -> set[str]:
        html = client.get(f"/appeals/?{query}").content.decode()
        return {n for n in (old.number, noise.number, lamp.number) if n in html}

    assert numbers("") == {old.number, noise.number, lamp.number}
    assert numbers(f"q={lamp.number}") == {lamp.number}
    assert numbers("q=健身器材") == {old.number}
    assert numbers("status=finished") == {noise.number}
    assert numbers("status=open") == {old.number, lamp.number}
    assert numbers("period=30d") == {noise.number, lamp.number}
    assert numbers("q=%00路灯&period=7d") == {lamp.number}
    assert 'id="my-empty"' in client.get("/appeals/?q=不存在的内容").content.decode()


def test_withdraw_before_accept(submit, resident, staff, login_client):
    appeal = submit()
    assert appeal.status == Status.DISPATCHED
    client = login_client(resident)
    response = client.post(f"/appeals/{appeal.pk}/withdraw/", {"reason": "已和邻居谈妥"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN and appeal.closed_at is not None
    assert appeal.current_due_at is None and appeal.next_check_at is None
    event = AppealEvent.objects.get(appeal=appeal, kind=EventKind.WITHDRAWN)
    assert event.visible_to_resident and event.message == "已和邻居谈妥"
    assert Notification.objects.filter(recipient=staff["grid1"], kind="appeal.withdrawn").exists()
    # The handler can no longer act on it.
    with pytest.raises(Conflict):
        services.appeal_accept(appeal=appeal, actor=staff["grid1"])


def test_withdraw_after_accept_is_a_409_and_changes_nothing(submit, resident, staff, login_client):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    before = list(AppealEvent.objects.filter(appeal=appeal).values_list("kind", flat=True))
    response = login_client(resident).post(f"/appeals/{appeal.pk}/withdraw/", {"reason": "算了"})
    assert response.status_code == 409
    assert "不能再撤回" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED and appeal.closed_at is None
    assert list(AppealEvent.objects.filter(appeal=appeal).values_list("kind", flat=True)) == before


def test_only_the_filer_withdraws_and_not_a_joined_matter(
    submit, resident, staff, make_resident, login_client
):
    appeal = submit()
    neighbour = make_resident(JIEFANG_G1, name="邻居")
    assert login_client(neighbour).post(f"/appeals/{appeal.pk}/withdraw/").status_code == 404
    assert login_client(staff["grid1"]).post(f"/appeals/{appeal.pk}/withdraw/").status_code == 403
    services.appeal_join(master=appeal, resident=neighbour)
    assert login_client(resident).post(f"/appeals/{appeal.pk}/withdraw/").status_code == 409
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED


def test_add_material_notifies_the_handler(submit, resident, staff, login_client):
    appeal = submit()
    client = login_client(resident)
    text = "补充：今晚又跳了，占比50%的时间 %(number)s"
    response = client.post(
        f"/appeals/{appeal.pk}/material/", {"text": text, "photos": [jpeg(), jpeg("b.jpg")]}
    )
    assert response.status_code == 302
    event = AppealEvent.objects.get(appeal=appeal, kind=EventKind.MATERIAL_ADDED)
    assert event.message == text and event.visible_to_resident
    assert len(event.data["attachments"]) == 2
    assert Attachment.objects.filter(appeal=appeal, kind="image").count() == 2
    note = Notification.objects.get(recipient=staff["grid1"], kind="appeal.material_added")
    assert text in note.body and appeal.number in note.title
    # The resident sees it on their own timeline.
    assert text in client.get(f"/appeals/{appeal.pk}/").content.decode()


def test_material_is_refused_on_a_finished_appeal(submit, resident, staff, login_client):
    appeal = submit()
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    services.appeal_resolve(appeal=appeal, actor=staff["grid1"], reply="已处理")
    services.appeal_rate(appeal=appeal, actor=resident, level="satisfied", solved=True)
    response = login_client(resident).post(
        f"/appeals/{appeal.pk}/material/", {"text": "还有一点", "photos": [jpeg()]}
    )
    assert response.status_code == 409
    assert not AppealEvent.objects.filter(appeal=appeal, kind=EventKind.MATERIAL_ADDED).exists()
    assert not Attachment.objects.filter(appeal=appeal).exists()


def test_material_needs_content_and_only_photos(submit, resident, login_client):
    appeal = submit()
    client = login_client(resident)
    assert client.post(f"/appeals/{appeal.pk}/material/", {"text": "  "}).status_code == 400
    wav = SimpleUploadedFile("a.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", content_type="audio/wav")
    assert client.post(f"/appeals/{appeal.pk}/material/", {"photos": [wav]}).status_code == 400
    assert not AppealEvent.objects.filter(appeal=appeal, kind=EventKind.MATERIAL_ADDED).exists()


def test_resident_tools_show_only_while_they_apply(submit, resident, staff, login_client):
    appeal = submit()
    client = login_client(resident)
    html = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'id="withdraw"' in html and 'id="add-material"' in html
    assert re.search(r"appeals/photo-preview\.js", html)
    new_form = client.get("/appeals/new/").content.decode()
    assert 'data-preview-for="photos"' in new_form and "appeals/photo-preview.js" in new_form
    services.appeal_accept(appeal=appeal, actor=staff["grid1"])
    html = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'id="withdraw"' not in html and 'id="add-material"' in html


def test_api_withdraw_and_material(submit, resident, staff, api_client):
    client = api_client(resident)
    accepted = submit()
    services.appeal_accept(appeal=accepted, actor=staff["grid1"])
    refused = client.post(
        f"/api/v1/appeals/{accepted.pk}/withdraw", {"reason": "算了"}, "application/json"
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_withdrawable"
    assert refused.json()["message_zh"].startswith("该诉求已被签收")
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED

    added = client.post(
        f"/api/v1/appeals/{accepted.pk}/material", {"text": "补充照片", "photos": [jpeg()]}
    )
    assert added.status_code == 201 and added.json()["kind"] == EventKind.MATERIAL_ADDED

    fresh = submit("楼下路灯不亮了，晚上走路看不见")
    done = client.post(f"/api/v1/appeals/{fresh.pk}/withdraw", {}, "application/json")
    assert done.status_code == 200 and done.json()["status"] == Status.WITHDRAWN
    closed = client.post(f"/api/v1/appeals/{fresh.pk}/material", {"text": "还有"})
    assert closed.status_code == 409 and closed.json()["code"] == "appeal_not_open"


def test_staff_see_a_guest_appeal_as_filed_without_account(regions, staff, login_client):
    appeal, _ = services.appeal_submit(
        submitter=None,
        intake=services.Intake(content="东门路灯坏了一个多星期", community=regions[JIEFANG]),
    )
    html = login_client(staff["community"]).get(f"/appeals/{appeal.pk}/").content.decode()
    assert "未登录" in html
