import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services
from jiaoliuba.appeals.services import Intake
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1, JIEFANG_G2, YICHENG


@pytest.fixture
def staff(make_staff):
    """One person per post around 解放路社区."""
    return {
        "grid1": make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1"),
        "grid2": make_staff(Role.GRID_WORKER, JIEFANG_G2, username="grid2"),
        "community": make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="cstaff"),
        "secretary": make_staff(Role.COMMUNITY_SECRETARY, JIEFANG, username="secretary"),
        "street": make_staff(Role.STREET_OFFICER, DONGFENG, username="street"),
        "district": make_staff(Role.DISTRICT_OFFICER, YICHENG, username="district"),
    }


@pytest.fixture
def resident(make_resident):
    return make_resident(JIEFANG_G1, name="张秀兰", phone="13800000001")


@pytest.fixture
def submit(regions, resident):
    def make(
        content="楼上邻居每晚11点还在跳绳，严重影响休息，多次沟通无效",
        *,
        user=None,
        grid=JIEFANG_G1,
        **kwargs,
    ):
        intake = Intake(content=content, community=None, grid=regions[grid], **kwargs)
        appeal, _created = services.appeal_submit(submitter=user or resident, intake=intake)
        return appeal

    return make
