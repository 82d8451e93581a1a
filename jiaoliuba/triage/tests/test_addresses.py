"""Where the resident lives and their phone number do not make an appeal urgent: the model
reads neither, and adding them makes no text long (passages) or red."""

import pytest

from jiaoliuba.triage import classifier
from jiaoliuba.triage.model import _document, segments

pytestmark = pytest.mark.django_db

# Written for this test (none is in the corpus): everyday matters, none of them red.
CALM = [
    "楼上邻居每晚跳绳，严重影响休息",
    "小区垃圾桶好几天没人清理了，味道很大",
    "请问社区的老年食堂怎么报名",
    "建议小区里多装几个健身器材",
    "快递柜老是满的，取件很不方便",
    "物业费今年涨了，想问问依据是什么",
]
CONTACT = [
    "，住5号楼2单元301室",
    "，我的电话13912345678",
    "，我家住在三号楼二单元，联系电话：13800000001",
]


def test_numbered_places_and_mobile_numbers_are_not_read_by_the_model():
    doc = _document("我家住在3号楼2单元301室，联系电话：13912345678，楼道灯坏了", "")
    assert "3号楼" not in doc and "301室" not in doc and "139" not in doc and "电话" not in doc
    assert "楼道灯坏了" in doc
    # Numbers that do tell of urgency or of a crowd stay.
    assert "120" in _document("老人摔倒了，已经打了120", "")
    assert "几十户" in _document("几十户业主都不同意", "")
    # An address is no clause: it does not turn a short message into passages.
    assert segments("楼上邻居每晚跳绳，严重影响休息，住5号楼2单元301室，电话13912345678") == []


@pytest.mark.parametrize("contact", CONTACT, ids=["address", "phone", "both"])
def test_an_address_or_a_phone_number_does_not_make_an_appeal_red(contact):
    for text in CALM:
        plain = classifier.classify(text=text)
        assert plain.priority != "red", (text, plain.reasons)
        with_contact = classifier.classify(text=text + contact)
        assert with_contact.priority == plain.priority, (text + contact, with_contact.reasons)
        assert with_contact.needs_review == plain.needs_review, text + contact
