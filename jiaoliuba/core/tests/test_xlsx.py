import io
import zipfile

from openpyxl import Workbook, load_workbook

from jiaoliuba.core import xlsx


def test_text_is_text_whatever_it_starts_with():
    values = ["=1+1", "+86 138", "-5", "@A1", "\tx", "\rx", "普通文字", 3, None, "a\x01b"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(xlsx.row(sheet, values))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    got = [(c.value, c.data_type, bool(c.quotePrefix)) for c in cells]
    assert got[:7] == [
        ("=1+1", "s", True),
        ("+86 138", "s", True),
        ("-5", "s", True),
        ("@A1", "s", True),
        ("\tx", "s", True),
        ("\nx", "s", True),  # XML reads a carriage return back as a line feed
        ("普通文字", "s", False),
    ]
    assert got[7] == (3, "n", False)
    # a control character the format cannot hold is dropped, not a failed export
    assert got[-1][0] == "ab"
