import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from jiaoliuba.core.errors import ValidationFailed
from jiaoliuba.core.models import AuditLog
from jiaoliuba.regions import selectors
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.services import parse_region_csv, regions_import

pytestmark = pytest.mark.django_db

GOOD = """code,name,parent_code,level
411700000000,驻马店市,,city
411702000000,驿城区,411700000000,district
411702001000,东风街道,411702000000,street
411702001001,解放路社区,411702001000,community
411702001001001,第1网格,411702001001,grid
411702001002,健康路社区,411702001000,community
411721000000,西平县,411700000000,district
"""


def _import(text: str):
    return regions_import(rows=parse_region_csv(text))


def test_import_builds_tree_with_paths():
    report = _import(GOOD)
    assert report.created == 7
    grid = Region.objects.get(code="411702001001001")
    assert grid.parent.code == "411702001001"
    assert grid.ancestor_codes == ["411700000000", "411702000000", "411702001000", "411702001001"]
    assert [r.name for r in selectors.region_ancestors(region=grid)] == [
        "驻马店市",
        "驿城区",
        "东风街道",
        "解放路社区",
    ]


def test_import_is_idempotent_and_renames():
    _import(GOOD)
    again = _import(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    renamed = _import(GOOD.replace("健康路社区", "健康社区"))
    assert (renamed.created, renamed.updated) == (0, 1)
    assert Region.objects.get(code="411702001002").name == "健康社区"
    assert AuditLog.objects.filter(action="region.rename").count() == 1


def test_children_may_come_before_parents_in_the_file():
    lines = GOOD.strip().splitlines()
    _import("\n".join([lines[0], *reversed(lines[1:])]))
    assert Region.objects.count() == 7


def test_short_administrative_codes_are_padded():
    _import("code,name,parent_code,level\n411700,驻马店市,,city\n411702,驿城区,411700,district\n")
    assert Region.objects.get(code="411702000000").parent.code == "411700000000"


def test_every_error_is_reported_by_line_and_nothing_changes():
    _import(GOOD)
    before = list(Region.objects.order_by("code").values_list("code", "name"))
    bad = (
        GOOD
        + "\n".join(
            [
                "411702001003,新社区,411702009000,community",  # line 9: unknown parent
                "41170200100,短码,411702001000,community",  # line 10: wrong length
                "411702001004,,411702001000,community",  # line 11: empty name
                "411702001005,错级,411702000000,community",  # line 12: parent is a district
                "411721001001,错前缀,411702001000,community",  # line 13: code not under parent
                "411702001006,未知层级,411702001000,village",  # line 14: unknown level
                "411702001001,重复,411702001000,community",  # line 15: duplicate of line 5
                "411702001002,健康社区,411702001000,community",  # line 16: would rename, but the file is bad
            ]
        )
        + "\n"
    )
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        _import(bad)
    errors = exc.value.extra["errors"]
    for line in (9, 10, 11, 12, 13, 14, 15):
        assert any(e.startswith(f"line {line}:") for e in errors), (line, errors)
    assert list(Region.objects.order_by("code").values_list("code", "name")) == before


def test_header_is_required():
    with pytest.raises(ValidationFailed) as exc:
        parse_region_csv("a,b,c\n1,2,3\n")
    assert exc.value.code == "invalid_header"


def test_command_reports_errors_and_succeeds(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("\ufeff" + GOOD, encoding="utf-8")  # Excel writes a BOM
    out = io.StringIO()
    call_command("import_regions", str(good), stdout=out)
    assert "created 7" in out.getvalue()
    call_command("import_regions", str(good), stdout=out)
    assert "unchanged 7" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "411702001009,孤儿,411799001000,community\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_regions", str(bad), stdout=out, stderr=err)
    assert "第9行" in err.getvalue()  # the command speaks the site's default language
    assert not Region.objects.filter(code="411702001009").exists()


def test_subtree_query_matches_prefix_and_uses_index(regions):
    street = regions["411702001000"]
    subtree = selectors.region_subtree(root=street)
    expected = {r.code for r in regions.values() if r.code.startswith("411702001")}
    assert {r.code for r in subtree} == expected
    assert "411702002000" not in expected
    sql, params = subtree.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "Index" in plan, plan
