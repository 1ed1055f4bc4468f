"""learning.accounts.xlsx_rows reads the values openpyxl reads, fast, and refuses XML entity tricks."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from learning.accounts.xlsx_rows import XlsxError, read_rows

VALUES = [
    ["姓名", "手机号", "等级", "分数", "在岗", None, "备注"],
    ["王秀英", "13900000001", 6, 88.5, True, None, "第一行"],
    ["刘志强", 13900000002, 12, -3.25e-7, False],
    [],
    [None, None, "只有第三列"],
    ["  前后空格  ", "", 0, 1e20, None, None, "多\n行"],
]


def _openpyxl_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [_trimmed(row) for row in rows]


def _trimmed(row: list) -> list:
    while row and row[-1] is None:
        row = row[:-1]
    return row


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _normal_workbook(values) -> bytes:
    workbook = Workbook()
    for number, row in enumerate(values, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                workbook.active.cell(row=number, column=column, value=value)
    return _saved(workbook)


def _write_only_workbook(values) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in values:
        sheet.append(row)
    return _saved(workbook)


@pytest.mark.parametrize("build", [_normal_workbook, _write_only_workbook])
def test_values_are_what_openpyxl_reads(build):
    data = build(VALUES)
    assert [_trimmed(row) for row in read_rows(io.BytesIO(data))] == _openpyxl_rows(data)


def test_rows_left_out_of_the_file_keep_the_row_numbers():
    workbook = Workbook()
    workbook.active["A1"] = "表头"
    workbook.active["B5"] = "第五行"
    rows = read_rows(io.BytesIO(_saved(workbook)))
    assert len(rows) == 5 and rows[4] == [None, "第五行"]


def test_the_active_sheet_is_read():
    workbook = Workbook()
    workbook.active["A1"] = "说明"
    roster = workbook.create_sheet("花名册")
    roster["A1"] = "姓名"
    workbook.active = 1
    assert read_rows(io.BytesIO(_saved(workbook))) == [["姓名"]]


def test_rich_text_cells_are_read_as_their_text():
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook = Workbook()
    workbook.active["A1"] = CellRichText(["清河县", TextBlock(InlineFont(b=True), "城关镇")])
    data = _saved(workbook)
    assert read_rows(io.BytesIO(data)) == [["清河县城关镇"]]


def test_entity_declarations_are_refused():
    data = _normal_workbook([["a"]])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            out.writestr(item, bomb if item.filename == "xl/worksheets/sheet1.xml" else content)
    with pytest.raises(XlsxError):
        read_rows(io.BytesIO(target.getvalue()))


def test_a_file_that_is_no_spreadsheet_is_refused():
    with pytest.raises(XlsxError):
        read_rows(io.BytesIO(b"PK not really a zip"))
