"""The cell values of a spreadsheet's active sheet, read straight from the ``.xlsx`` XML.

Why: openpyxl builds a cell object, with its style and type, for every cell; for a
province's roster (65,000 rows, 8 columns) that took 18 s, more than half of issue 21's 30 s
for the whole import. A roster needs the values only: this reads the sheet with the standard
library's streaming XML parser, the strings from the shared table, numbers as ``int`` or
``float``, booleans as ``bool``, as openpyxl's ``values_only`` rows give them (dates stay
numbers: rosters have none). A test holds it to openpyxl's answer on the same files.
Uploaded files are untrusted: a part whose XML declares a document type (the way to
entity expansion attacks) is refused before its root element is parsed, and the standard
library parser never loads external entities (expat 2.4.1 and later also caps entity
amplification). defusedxml would do the same checks in a pure-Python parser, 3 times as slow.
"""

from __future__ import annotations

import re
import zipfile
from xml.etree.ElementTree import iterparse  # noqa: S405  (documents guarded, see above)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"([A-Z]+)(\d+)")


class XlsxError(ValueError):
    """Not a spreadsheet this reader understands (not a zip, no sheet...)."""


def read_rows(source) -> list[list]:
    """Rows of the active sheet, each a list of values (None for an empty cell); rows that
    the file leaves out are empty lists, so list index + 1 is the sheet's row number."""
    try:
        with zipfile.ZipFile(source) as archive:
            strings = _shared_strings(archive)
            with archive.open(_active_sheet(archive)) as sheet:
                return _rows(sheet, strings)
    except (
        zipfile.BadZipFile,
        KeyError,
        IndexError,
        ValueError,
        SyntaxError,
    ) as exc:
        raise XlsxError(str(exc)) from exc


class _NoDoctype:
    """A part of the archive, read as it is parsed, that raises ``XlsxError`` if a
    ``<!DOCTYPE`` comes before the first element."""

    def __init__(self, handle):
        self.handle, self.prolog = handle, b""

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if self.prolog is not None:
            self.prolog += data
            if b"<!DOCTYPE" in self.prolog.upper():
                raise XlsxError("document type declarations are not allowed")
            if re.search(rb"<[A-Za-z_]", self.prolog):
                self.prolog = None  # the root element has begun: no DOCTYPE may follow
        return data


def _parse(handle, **kwargs):
    return iterparse(_NoDoctype(handle), **kwargs)  # noqa: S314  (guarded by _NoDoctype)


def _text(element) -> str:
    """The text of an ``<si>`` or ``<is>``: its ``<t>``, or its runs' ``<t>`` (without the
    phonetic guide runs, ``<rPh>``)."""
    direct = element.find(f"{_MAIN}t")
    if direct is not None:
        return direct.text or ""
    return "".join(
        t.text or "" for run in element.iterfind(f"{_MAIN}r") for t in run.iter(f"{_MAIN}t")
    )


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        handle = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with handle:
        for _event, element in _parse(handle):
            if element.tag == f"{_MAIN}si":
                strings.append(_text(element))
                element.clear()
    return strings


def _active_sheet(archive: zipfile.ZipFile) -> str:
    """The path in the archive of the sheet Excel opens on (the workbook's active tab)."""
    with archive.open("xl/workbook.xml") as handle:
        tree = _parse(handle, events=("end",))
        active, sheets = 0, []
        for _event, element in tree:
            if element.tag == f"{_MAIN}workbookView":
                active = int(element.get("activeTab", "0"))
            elif element.tag == f"{_MAIN}sheet":
                sheets.append(element.get(f"{_REL}id"))
    with archive.open("xl/_rels/workbook.xml.rels") as handle:
        targets = {
            element.get("Id"): element.get("Target")
            for _event, element in _parse(handle)
            if element.tag == f"{_PACKAGE_REL}Relationship"
        }
    target = targets[sheets[min(active, len(sheets) - 1)]]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _number(text: str) -> int | float:
    # openpyxl's rule: a decimal point or an exponent makes a float.
    return float(text) if "." in text or "E" in text.upper() else int(text)


def _value(cell, strings: list[str]):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        found = cell.find(f"{_MAIN}is")
        return _text(found) if found is not None else None
    raw = cell.find(f"{_MAIN}v")
    if raw is None or raw.text is None:
        return None
    if kind == "s":
        return strings[int(raw.text)]
    if kind == "b":
        return raw.text == "1"
    if kind in ("str", "e"):
        return raw.text
    return _number(raw.text)


def _rows(sheet, strings: list[str]) -> list[list]:
    rows: list[list] = []
    for _event, element in _parse(sheet):
        if element.tag != f"{_MAIN}row":
            continue
        number = int(element.get("r", len(rows) + 1))
        while len(rows) < number - 1:
            rows.append([])
        values: list = []
        for cell in element.iterfind(f"{_MAIN}c"):
            ref = _REF.match(cell.get("r", ""))
            index = _column(ref.group(1)) if ref else len(values)
            while len(values) < index:
                values.append(None)
            values.append(_value(cell, strings))
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
        element.clear()
    return rows
