"""The unit register CSV: every bad line listed with its number, nothing imported."""

import pytest

from jiaoliuba.core.errors import ValidationFailed
from jiaoliuba.deliberation.models import PropertyUnit, UnitOwner
from jiaoliuba.deliberation.voting import services
from jiaoliuba.testing.fixtures import JIEFANG

GOOD = (
    "楼栋,单元,房号,专有面积,业主,手机号,开发商持有\n"
    "5,1,101,89.35,张三,13900000001,否\n"
    "5,1,102,120,张三,139-0000-0001,否\n"
    "5,1,201,95.5,李四、王五,13900000002、13900000003,否\n"
    "5,1,202,95.5,,,是\n"
)


@pytest.fixture
def register(organiser, regions):
    return services.unit_register_create(actor=organiser, name="5号楼", scope=regions[JIEFANG])


def test_a_good_file_imports_with_persons(register, organiser):
    assert services.unit_register_import(register=register, actor=organiser, text=GOOD) == 4
    units = {u.label: u for u in PropertyUnit.objects.filter(register=register)}
    assert str(units["5-1-101"].area) == "89.35"
    assert units["5-1-101"].person_key == units["5-1-102"].person_key
    assert units["5-1-202"].person_key == "developer"
    assert UnitOwner.objects.filter(unit=units["5-1-201"]).count() == 2
    assert UnitOwner.objects.get(unit=units["5-1-101"]).phone == "13900000001"


def test_every_bad_line_is_listed_and_nothing_imported(register, organiser):
    services.unit_register_import(register=register, actor=organiser, text=GOOD)
    bad = (
        "楼栋,单元,房号,专有面积,业主,手机号,开发商持有\n"
        "6,1,101,80,赵六,13900000009,否\n"
        "6,1,102,-3,赵六,13900000009,否\n"
        "6,1,103,abc,钱七,12345,否\n"
        "6,1,101,80,孙八,13900000010,否\n"
        "6,1,104,80,周九；吴十,13900000011,否\n"
        "6,1,105,80.123,,,也许\n"
    )
    with pytest.raises(ValidationFailed) as error:
        services.unit_register_import(register=register, actor=organiser, text=bad)
    lines = [e["line"] for e in error.value.extra["errors"]]
    assert lines == [3, 4, 5, 6, 7]
    assert error.value.code == "units_invalid"
    # The earlier import is untouched.
    assert PropertyUnit.objects.filter(register=register).count() == 4


def test_a_header_without_area_is_refused(register, organiser):
    with pytest.raises(ValidationFailed) as error:
        services.unit_register_import(register=register, actor=organiser, text="楼栋,房号\n1,101\n")
    assert error.value.code == "units_header"
