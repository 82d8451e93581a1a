"""The vote pages through the real URLs: the console, the resident's form (the topic
partial), paper ballots, the unit import and the printable tally sheet."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from jiaoliuba.core import clock
from jiaoliuba.deliberation.models import Topic, Vote, VoterRecord
from jiaoliuba.deliberation.voting import selectors, services
from jiaoliuba.testing.fixtures import JIEFANG


def test_console_creates_opens_and_counts(login_client, organiser, verified, regions):
    staff = login_client(organiser)
    bad = staff.post(
        "/workbench/votes/new/",
        {
            "title": "社区食堂如何运营",
            "scope": JIEFANG,
            "kind": "single",
            "eligibility": "person",
            "options": "只有一个选项",
        },
    )
    assert bad.status_code == 400
    assert "社区食堂如何运营" in bad.content.decode() and "只有一个选项" in bad.content.decode()
    made = staff.post(
        "/workbench/votes/new/",
        {
            "title": "社区食堂如何运营",
            "scope": JIEFANG,
            "kind": "single",
            "eligibility": "person",
            "options": "社区自营\n委托企业",
            "hide_results": "on",
        },
    )
    vote = Vote.objects.get(title="社区食堂如何运营")
    assert made.status_code == 302 and made["Location"] == f"/workbench/votes/{vote.pk}/"
    staff.post(f"/workbench/votes/{vote.pk}/do/open/")
    resident = verified(phone="13866660001")
    page = login_client(resident).get(f"/votes/{vote.pk}/")
    assert 'name="choice"' in page.content.decode()
    cast = login_client(resident).post(f"/votes/{vote.pk}/cast/", {"choice": "2"})
    assert cast.status_code == 302
    again = login_client(resident).post(f"/votes/{vote.pk}/cast/", {"choice": "1"})
    assert again.status_code == 409
    # Paper: a wrong entry keeps what was typed.
    wrong = staff.post(
        f"/workbench/votes/{vote.pk}/do/paper/",
        {"sheet_number": "No-12", "phone": "13866660001", "choice": "1"},
    )
    assert wrong.status_code == 409 and 'value="No-12"' in wrong.content.decode()
    staff.post(f"/workbench/votes/{vote.pk}/do/close/")
    sheet = staff.get(f"/workbench/votes/{vote.pk}/sheet/").content.decode()
    assert "委托企业" in sheet
    # The print styles and the print button come from static files (a strict CSP).
    assert "deliberation/tally.css" in sheet and "deliberation/tally.js" in sheet
    assert 'id="print-sheet"' in sheet and "onclick" not in sheet and "<style" not in sheet
    assert VoterRecord.objects.filter(vote=vote).count() == 1


def test_owner_tally_sheet_names_the_failed_condition(
    login_client, organiser, owner_vote, make_resident
):
    vote = owner_vote(
        [
            "1,1,101,100,甲,13977770001,否",
            "1,1,102,100,乙,13977770002,否",
            "1,1,103,100,丙,13977770003,否",
        ]
    )
    services.ballot_cast(vote=vote, actor=make_resident(phone="13977770001"), choices=[1])
    services.ballot_cast(vote=vote, actor=make_resident(phone="13977770002"), choices=[2])
    services.vote_close(vote=vote, actor=organiser)
    sheet = login_client(organiser).get(f"/workbench/votes/{vote.pk}/sheet/").content.decode()
    assert "200.00/300.00" in sheet and "2/3 = 66.67%" in sheet  # quorum by area, met exactly
    assert "100.00/200.00" in sheet and "1/2 = 50.00%" in sheet
    assert "未通过：同意的业主未达到法定多数。" in sheet  # Chinese first
    english = login_client(organiser).get(
        f"/workbench/votes/{vote.pk}/sheet/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Not passed: the majority was not reached." in english.content.decode()


def test_unit_import_page_lists_bad_lines(login_client, organiser, regions):
    register = services.unit_register_create(actor=organiser, name="7号楼", scope=regions[JIEFANG])
    text = "楼栋,房号,专有面积,业主,手机号\n7,101,80,甲,13900000001\n7,102,八十,乙,13900000002\n"
    page = login_client(organiser).post(f"/workbench/unit-registers/{register.pk}/", {"csv": text})
    assert page.status_code == 400
    body = page.content.decode()
    assert "八十" in body  # what was pasted is still there
    assert ("line 3" in body) or ("第 3 行" in body)


def test_topic_partial_shows_the_ballot_form(organiser, make_vote, verified, regions):
    topic = Topic.objects.create(
        title="停车难",
        body="夜间停车位不够",
        source="resident",
        scope=regions[JIEFANG],
        scope_path=regions[JIEFANG].path,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    vote = make_vote(topic=topic, kind="approval", options=[])
    resident = verified()
    request = RequestFactory().get(f"/topics/{topic.pk}/")
    request.user = resident
    html = render_to_string(
        "deliberation/votes/_topic_block.html",
        {"topic": topic, "vote_views": selectors.votes_for_topic(user=resident, topic=topic)},
        request=request,
    )
    assert f'action="/votes/{vote.pk}/cast/"' in html and 'type="radio"' in html
