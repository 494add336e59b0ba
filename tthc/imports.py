"""Import of monthly TTHC results from a CSV or XLSX file, and the templates to fill in.

The kind of file is told by its content, never by its name or the browser's content type: an
XLSX file is a zip holding ``xl/workbook.xml``; anything else must be UTF-8 text (a BOM is
fine: Excel's "CSV UTF-8" writes one) with the template's header row. Every row is checked
before anything is saved, and every problem is reported by row and column, in Vietnamese.
"""
import csv
from dataclasses import dataclass
import io
import re
import zipfile

from mttq_portal.vietnamese import fold_vietnamese

from .figures import FIGURE_NAMES, ResultRow, field_key, row_problems

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_MESSAGES = 30

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    note: str
    required: bool = True

    @property
    def header(self):
        """The header cell of the template: the label, and in brackets what to type."""
        return f"{self.label} ({self.note})" if self.note else self.label


COLUMNS = (
    Column("year", "Năm", "4 chữ số như 2026"),
    Column("month", "Tháng", "từ 1 đến 12"),
    Column("field_code", "Mã lĩnh vực", "không bắt buộc; để trống sẽ tự tạo từ tên lĩnh vực", required=False),
    Column("field_name", "Lĩnh vực", "ví dụ Đất đai; để trống nếu là số liệu chung của cả đơn vị", required=False),
    Column("carried_over_count", "Kỳ trước chuyển sang", "hồ sơ tháng trước chưa xong"),
    Column("received_count", "Tiếp nhận", "hồ sơ nhận trong tháng"),
    Column("resolved_count", "Đã giải quyết", "bằng trước hạn + đúng hạn + trễ hạn"),
    Column("early_count", "Trước hạn", "hồ sơ"),
    Column("on_time_count", "Đúng hạn", "hồ sơ"),
    Column("late_count", "Trễ hạn", "hồ sơ"),
    Column("in_progress_count", "Đang giải quyết", "hồ sơ chưa xong cuối tháng"),
)
COLUMN_BY_NAME = {column.name: column for column in COLUMNS}


def _header_key(text):
    """"Tháng (từ 1 đến 12)", "THÁNG", "thang" -> "thang": the label before any bracket,
    without accents, case or extra spaces."""
    return " ".join(fold_vietnamese(str(text or "").split("(")[0]).split())


COLUMN_BY_KEY = {_header_key(column.label): column for column in COLUMNS}


class ImportRejected(Exception):
    """The file cannot be imported; ``messages`` says why, one Vietnamese sentence each."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


# -- reading the file -------------------------------------------------------------------------

NOT_A_TABLE = (
    "Tệp «{name}» không phải bảng tính CSV (UTF-8) hay Excel (XLSX). Chỉ nhận hai loại này; "
    "hãy tải tệp mẫu, điền số liệu rồi lưu lại dạng .xlsx hoặc «CSV UTF-8»."
)


def _file_bytes(upload):
    name = getattr(upload, "name", "") or "tệp"
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_IMPORT_BYTES:
        raise ImportRejected([f"Tệp «{name}» quá lớn ({size / 1024 / 1024:.1f} MB); tối đa 2 MB."])
    upload.seek(0)
    data = upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected([f"Tệp «{name}» quá lớn; tối đa 2 MB."])
    if not data.strip():
        raise ImportRejected([f"Tệp «{name}» rỗng."])
    return name, data


def _xlsx_table(name, data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
                raise ImportRejected([f"Tệp «{name}» giải nén ra quá lớn, không thể nhận an toàn."])
    except zipfile.BadZipFile:
        raise ImportRejected([NOT_A_TABLE.format(name=name)]) from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportRejected([NOT_A_TABLE.format(name=name)])
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a pinned dependency
        raise ImportRejected(["Máy chủ chưa cài thư viện đọc tệp Excel; hãy nhập bằng tệp CSV."]) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise ImportRejected([f"Không đọc được tệp Excel «{name}»: tệp bị hỏng hoặc không phải .xlsx."]) from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True):
            table.append(list(values))
            if len(table) > MAX_IMPORT_ROWS + 1:
                break
        return table
    finally:
        workbook.close()


def _csv_table(name, data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([NOT_A_TABLE.format(name=name)]) from None
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text):
        raise ImportRejected([NOT_A_TABLE.format(name=name)])
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        table = []
        for values in csv.reader(io.StringIO(text, newline=""), dialect):
            table.append(values)
            if len(table) > MAX_IMPORT_ROWS + 1:
                break
        return table
    except csv.Error as error:
        raise ImportRejected([f"Tệp CSV «{name}» bị lỗi định dạng ở dòng {len(table) + 1}: {error}."]) from None


def import_file_table(upload):
    """The file's cells as a list of rows (header first), whatever its kind."""
    name, data = _file_bytes(upload)
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_table(name, data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected([f"Tệp «{name}» là Excel 97–2003 (.xls): hãy mở bằng Excel và lưu lại dạng .xlsx."])
    return _csv_table(name, data)


# -- reading the cells ------------------------------------------------------------------------


class _CellError(ValueError):
    pass


_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def _cell_int(value):
    """A whole number from a cell: 12, 12.0, "12", "1.234" (Vietnamese thousands)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _CellError("ô trống; hãy nhập 0 nếu không có hồ sơ")
    if isinstance(value, bool):
        raise _CellError(f"«{value}» không phải là số nguyên")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _CellError(f"«{str(value).replace('.', ',')}» không phải là số nguyên")
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if _GROUPED.match(text):
            return int(text.replace(".", ""))
        raise _CellError(f"«{value.strip()[:30]}» không phải là số nguyên")
    raise _CellError("không phải là số nguyên")


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _blank(values):
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _header_columns(header):
    """{position: Column} for the header row; unknown or missing columns refuse the file."""
    positions, problems, seen = {}, [], set()
    for position, cell in enumerate(header):
        if cell is None or not str(cell).strip():
            continue
        column = COLUMN_BY_KEY.get(_header_key(cell))
        if column is None:
            problems.append(f"Dòng 1, cột {position + 1}: «{str(cell).strip()[:60]}» không phải cột của mẫu.")
        elif column.name in seen:
            problems.append(f"Dòng 1: cột «{column.label}» có hai lần.")
        else:
            seen.add(column.name)
            positions[position] = column
    missing = [column.label for column in COLUMNS if column.required and column.name not in seen]
    if not positions:
        return None, [
            "Dòng 1 phải là dòng tiêu đề cột của mẫu (Năm, Tháng, Lĩnh vực, Kỳ trước chuyển sang, Tiếp nhận, "
            "Đã giải quyết, Trước hạn, Đúng hạn, Trễ hạn, Đang giải quyết). Hãy tải tệp mẫu."
        ]
    if missing:
        problems.append(f"Dòng 1: thiếu cột {', '.join('«' + label + '»' for label in missing)}.")
    return positions, problems


def import_rows_parse(table, *, today):
    """``ResultRow``s from the table, or ImportRejected with every problem by row and column."""
    if not table or _blank(table[0]):
        raise ImportRejected(["Dòng 1 phải là dòng tiêu đề cột của mẫu. Hãy tải tệp mẫu."])
    positions, problems = _header_columns(table[0])
    if problems:
        raise ImportRejected(problems)
    if len(table) > MAX_IMPORT_ROWS + 1:
        raise ImportRejected([f"Tệp có quá nhiều dòng; tối đa {MAX_IMPORT_ROWS} dòng mỗi lần nhập."])
    rows, seen = [], {}
    for line, values in enumerate(table[1:], start=2):
        if _blank(values):
            continue
        cells = {column.name: (values[position] if position < len(values) else None)
                 for position, column in positions.items()}
        parsed, ok = {}, True
        for name in ("year", "month", *FIGURE_NAMES):
            try:
                parsed[name] = _cell_int(cells.get(name))
            except _CellError as error:
                problems.append(f"Dòng {line}, cột «{COLUMN_BY_NAME[name].label}»: {error}.")
                ok = False
        if not ok:
            continue
        code, name = field_key(_cell_text(cells.get("field_code")), _cell_text(cells.get("field_name")))
        row = ResultRow(year=parsed["year"], month=parsed["month"], field_code=code, field_name=name,
                        figures={n: parsed[n] for n in FIGURE_NAMES}, where=f"Dòng {line}")
        row_errors = row_problems(row, today=today)
        for column_name, texts in row_errors.items():
            problems += [f"Dòng {line}, cột «{COLUMN_BY_NAME[column_name].label}»: {text}" for text in texts]
        if row_errors:
            continue
        if row.key in seen:
            problems.append(f"Dòng {line}, cột «Lĩnh vực»: trùng tháng {row.month}/{row.year} và lĩnh vực "
                            f"«{row.field_label}» với dòng {seen[row.key]}.")
            continue
        seen[row.key] = line
        rows.append(row)
    if problems:
        shown = problems[:MAX_MESSAGES]
        if len(problems) > MAX_MESSAGES:
            shown.append(f"… và {len(problems) - MAX_MESSAGES} lỗi khác.")
        raise ImportRejected(shown)
    return rows


def import_file_read(upload, *, today=None):
    from .services import today_vn

    return import_rows_parse(import_file_table(upload), today=today or today_vn())


# -- templates --------------------------------------------------------------------------------


def import_template_csv():
    """The header row, UTF-8 with a BOM so that Excel shows the Vietnamese letters."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([column.header for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


GUIDE = [
    "Cách điền tệp số liệu kết quả giải quyết thủ tục hành chính (TTHC)",
    "",
    "• Mỗi dòng là số liệu của một tháng: của cả đơn vị (để trống cột Lĩnh vực) hoặc của một lĩnh vực.",
    "• Không nhập lũy kế: trang tự cộng các tháng thành số liệu từ đầu năm.",
    "• Đã giải quyết = Trước hạn + Đúng hạn + Trễ hạn. Trễ hạn không lớn hơn Đã giải quyết.",
    "• Đã giải quyết + Đang giải quyết không vượt quá Kỳ trước chuyển sang + Tiếp nhận.",
    "• Ô trống không được chấp nhận ở các cột số: nhập 0 nếu không có hồ sơ.",
    "• Nhập lại cùng một tệp không tạo dòng trùng: dòng cùng năm, tháng, lĩnh vực được cập nhật.",
    "• Nếu có dòng sai, không dòng nào được nhập; trang báo dòng và cột cần sửa.",
    "• Chỉ trang tính đầu tiên («Số liệu») được đọc.",
    "",
    "Ví dụ một dòng:",
]
EXAMPLE = [2026, 3, "", "Đất đai", 4, 52, 50, 12, 36, 2, 6]


def import_template_xlsx():
    """The template as an Excel workbook: the header row on the first sheet, a guide beside."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Số liệu"
    sheet.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor="FFF4C2")
        cell.comment = Comment(f"{column.label}: {column.note or 'bắt buộc'}.", "Cổng thông tin MTTQ")
        sheet.column_dimensions[cell.column_letter].width = 16 if column.name not in ("field_name",) else 24
    sheet.row_dimensions[1].height = 60
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    for line in GUIDE:
        guide.append([line])
    guide.append([column.header for column in COLUMNS])
    guide.append(EXAMPLE)
    guide.column_dimensions["A"].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
