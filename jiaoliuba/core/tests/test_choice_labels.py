"""`choice_label` is `get_FOO_display()` from a table: the same text in each language,
for every choice and for values outside the choices."""

import pytest
from django.utils import translation

from jiaoliuba.appeals.choices import Category, EventKind, Priority, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.core.choice_labels import choice_label


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_label_is_djangos_in_each_language(language):
    with translation.override(language):
        for field, values in (
            ("status", [*Status.values, "no-such-status", ""]),
            ("priority", [*Priority.values, "purple"]),
            ("category", Category.values),
        ):
            for value in values:
                appeal = Appeal(**{field: value})
                assert choice_label(appeal, field) == getattr(appeal, f"get_{field}_display")()
        for kind in EventKind.values:
            event = AppealEvent(kind=kind)
            assert choice_label(event, "kind") == event.get_kind_display()


def test_the_language_of_the_moment_decides():
    appeal = Appeal(status=Status.SUBMITTED)
    with translation.override("en"):
        english = choice_label(appeal, "status")
    with translation.override("zh-hans"):
        chinese = choice_label(appeal, "status")
    assert (english != chinese and english == "Submitted") or english.isascii()
    assert not chinese.isascii()
