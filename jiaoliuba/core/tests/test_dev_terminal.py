"""What `make run` shows a newcomer in the terminal: the SMS code framed, and no INFO
lines from background tasks."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from jiaoliuba.accounts import services as account_services
from jiaoliuba.core.management.commands import worker
from jiaoliuba.core.models import SmsOutbox
from jiaoliuba.core.sms import OutboxBackend, framed

pytestmark = pytest.mark.django_db


def test_the_outbox_frames_the_sign_in_code_in_development(settings, caplog):
    settings.DEBUG = True
    with caplog.at_level(logging.INFO, logger="jiaoliuba.core.sms"):
        OutboxBackend().send(
            phone="13700000001", message="【交流吧】验证码 123456，5分钟内有效", sign_in_code=True
        )
        # Receipts and the demo history's backlog stay in the outbox, out of the terminal.
        OutboxBackend().send(phone="13700000002", message="【交流吧】您的诉求已受理")
    (record,) = caplog.records
    top, middle, bottom = record.getMessage().split("\n")
    assert middle == "║ 短信 SMS → 137****0001: 【交流吧】验证码 123456，5分钟内有效 ║"
    assert top.startswith("╔═") and top.endswith("═╗")
    assert bottom.startswith("╚═") and bottom.endswith("═╝")
    assert record.levelno == logging.WARNING
    assert SmsOutbox.objects.count() == 2


def test_the_sign_in_code_reaches_the_terminal_through_the_real_sign_in(settings, caplog):
    settings.DEBUG = True
    settings.SMS_BACKEND = "jiaoliuba.core.sms.OutboxBackend"
    with caplog.at_level(logging.INFO, logger="jiaoliuba.core.sms"):
        account_services.otp_request(phone="13700000003", ip="127.0.0.9")
    framed_lines = [r.getMessage() for r in caplog.records if "╔" in r.getMessage()]
    assert len(framed_lines) == 1 and "登录验证码" in framed_lines[0]


def test_the_frame_fits_chinese_text_in_a_terminal():
    # A Chinese character is two columns wide: the frame is as wide as the text shows.
    top, middle, _bottom = framed("验证码 12").split("\n")
    assert top == "╔" + "═" * 11 + "╗"  # 3 × 2 + 1 + 2 columns of text, a space each side
    assert middle == "║ 验证码 12 ║"
    assert framed("a\nb").split("\n")[1] == "║ a b ║"


def test_the_worker_keeps_task_info_lines_out_of_the_terminal(monkeypatch):
    assert "quiet_task_logs(" in Path(worker.__file__).read_text().split("def handle")[1]
    for name in worker.QUIET_LOGGERS:
        monkeypatch.setattr(logging.getLogger(name), "level", logging.NOTSET)
    worker.quiet_task_logs(1)
    for name in ("django_tasks", "django_tasks_db", "jiaoliuba.core.periodic"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    assert logging.getLogger("jiaoliuba.core.sms").isEnabledFor(logging.WARNING)
