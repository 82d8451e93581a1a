"""The public board (issue 9, item 22): the matter itself (scrubbed), only appeals whose
handling is finished, linked from the home page, and street and district boards that
list their communities' appeals."""

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import RatingLevel, Status
from jiaoliuba.appeals.public import public_description
from jiaoliuba.testing.fixtures import DONGFENG, JIANKANG, JIEFANG, XIYUAN, YICHENG

pytestmark = pytest.mark.django_db


def handled(submit, text, *, reply="已处理完毕", **kwargs):
    appeal = submit(text, consent_public=True, **kwargs)
    appeal.refresh_from_db()
    services.appeal_accept(appeal=appeal, actor=appeal.assignee)
    return services.appeal_resolve(appeal=appeal, actor=appeal.assignee, reply=reply)


def test_board_shows_the_scrubbed_matter(submit, staff, client):
    handled(
        submit, "我是张秀兰，住3号楼2单元502室，楼道灯坏了，电话13800000001", reply="已更换灯泡"
    )
    page = client.get(f"/public/{JIEFANG}/").content.decode()
    assert "楼道灯坏了" in page and "已更换灯泡" in page
    for secret in ("张秀兰", "13800000001", "3号楼2单元502室"):
        assert secret not in page, secret
    assert "[电话已隐去]" in page and "[门牌已隐去]" in page and "[姓名已隐去]" in page


def test_only_finished_handling_is_shown(submit, staff, resident, client):
    done = handled(submit, "小区东门路灯坏了好几天", reply="路灯已修好")
    unhappy = handled(submit, "垃圾桶满了没人清理，臭味很大", reply="已通知保洁")
    services.appeal_rate(appeal=done, actor=resident, level=RatingLevel.SATISFIED, solved=True)
    services.appeal_rate(
        appeal=unhappy, actor=resident, level=RatingLevel.UNSATISFIED, solved=False
    )
    unhappy.refresh_from_db()
    assert unhappy.status == Status.RATED
    submit("楼下饭店油烟太大", consent_public=True)  # still open
    page = client.get(f"/public/{JIEFANG}/").content.decode()
    assert "路灯已修好" in page
    assert "已通知保洁" not in page and "垃圾桶满了" not in page  # under review
    assert "油烟" not in page
    assert page.count('class="card public-row"') == 1


def test_street_and_district_boards_list_their_communities(submit, staff, client):
    handled(submit, "解放路社区的路灯坏了", reply="解放路已修")
    street = client.get(f"/public/{DONGFENG}/").content.decode()
    assert "解放路已修" in street and 'id="public-communities"' in street
    assert f"/public/{JIEFANG}/" in street and f"/public/{JIANKANG}/" in street
    district = client.get(f"/public/{YICHENG}/").content.decode()
    assert "解放路已修" in district
    elsewhere = client.get(f"/public/{XIYUAN}/").content.decode()
    assert "解放路已修" not in elsewhere


def test_home_page_links_to_the_board(client, regions):
    home = client.get("/").content.decode()
    assert 'href="/public/"' in home
    index = client.get("/public/").content.decode()
    assert f'href="/public/{DONGFENG}/"' in index and f'href="/public/{YICHENG}/"' in index


def test_description_helper_cuts_long_text():
    assert public_description("很" * 400).endswith("…")
    assert len(public_description("很" * 400)) == 300


def test_the_similar_summary_is_the_board_text_shorter_and_without_digit_runs():
    text = "张秀兰反映：13812345678 家住 3号楼 门口 502 的  路灯\n坏了" + "很" * 80
    board = public_description(text, names=["张秀兰"])
    assert "13812345678" not in board and "张秀兰" not in board and "502" in board
    hint = public_description(text, names=["张秀兰"], limit=60, hide_digit_runs=True)
    assert "502" not in hint and len(hint) == 60 and hint.endswith("…")
    # Both are one line: the same scrubbed text, cut differently.
    assert "\n" not in hint and "  " not in hint
    assert hint[:-1] == board.replace("502", "…")[:59]
