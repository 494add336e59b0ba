"""Import from CSV and XLSX: recognised by content, all or nothing, idempotent, errors by row and
column in Vietnamese; the admin page is permission-checked and kept inside the person's communes."""
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
import openpyxl
import pytest

from communes.models import Membership
from tests.tthc.factories import TthcResultFactory
from tthc.imports import COLUMNS, ImportRejected, import_template_csv, import_template_xlsx
from tthc.models import Source, TthcResult
from tthc.services import tthc_import

HOST = "thanhmien.localhost"
IMPORT_URL = "/quan-tri/tthc/tthcresult/nhap-tu-tep/"
HEADER = [column.header for column in COLUMNS]
ROWS = [
    [2025, 1, "", "Đất đai", 2, 20, 19, 5, 13, 1, 3],
    [2025, 1, "", "Hộ tịch", 0, 41, 40, 10, 30, 0, 1],
    [2025, 1, "", "Chứng thực", 0, 85, 85, 85, 0, 0, 0],
    [2025, 2, "", "Đất đai", 3, 18, 20, 4, 16, 0, 1],
    [2025, 2, "", "Hộ tịch", 1, 37, 37, 9, 27, 1, 1],
    [2025, 2, "", "Chứng thực", 0, 90, 90, 90, 0, 0, 0],
]


def csv_bytes(rows, *, header=HEADER, bom=True, delimiter=","):
    lines = [delimiter.join(f'"{cell}"' if isinstance(cell, str) else str(cell) for cell in row)
             for row in [header, *rows]]
    text = "\r\n".join(lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def xlsx_bytes(rows, *, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data, name="so-lieu.csv", content_type="text/csv"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _values(commune):
    return sorted(TthcResult.objects.filter(commune=commune).values_list(
        "year", "month", "field_code", "field_name", "received_count", "resolved_count", "late_count", "source"))


@pytest.mark.django_db
def test_a_good_csv_with_bom_and_vietnamese_fields_is_imported(commune_a):
    counts = tthc_import(commune=commune_a, upload=upload(csv_bytes(ROWS)))
    assert (counts.created, counts.updated, counts.unchanged) == (6, 0, 0)
    land = TthcResult.objects.get(commune=commune_a, year=2025, month=1, field_code="dat-dai")
    assert land.field_name == "Đất đai" and land.received_count == 20 and land.source == Source.FILE
    assert TthcResult.objects.get(commune=commune_a, month=2, field_code="chung-thuc").early_count == 90


@pytest.mark.django_db
def test_a_good_xlsx_is_imported_whatever_its_name_says(commune_a):
    counts = tthc_import(commune=commune_a, upload=upload(xlsx_bytes(ROWS), name="so-lieu.csv"))
    assert counts.created == 6
    assert TthcResult.objects.get(commune=commune_a, month=2, field_code="ho-tich").late_count == 1


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(commune_a):
    tthc_import(commune=commune_a, upload=upload(xlsx_bytes(ROWS), name="a.xlsx"))
    before = _values(commune_a)
    counts = tthc_import(commune=commune_a, upload=upload(xlsx_bytes(ROWS), name="a.xlsx"))
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 6)
    counts = tthc_import(commune=commune_a, upload=upload(csv_bytes(ROWS)))  # same figures as CSV
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 6)
    assert _values(commune_a) == before and TthcResult.objects.count() == 6


@pytest.mark.django_db
def test_a_corrected_file_updates_the_rows_it_names(commune_a):
    tthc_import(commune=commune_a, upload=upload(csv_bytes(ROWS)))
    corrected = [list(row) for row in ROWS[:1]]
    corrected[0][5:10] = [21, 20, 5, 14, 1]  # received 21, resolved 20
    counts = tthc_import(commune=commune_a, upload=upload(csv_bytes(corrected)))
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 0)
    assert TthcResult.objects.get(commune=commune_a, year=2025, month=1, field_code="dat-dai").received_count == 21


@pytest.mark.django_db
@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_broken_file_imports_nothing_and_says_which_row_and_column(commune_a, make):
    TthcResultFactory(commune=commune_a, year=2024, month=12)
    rows = [list(row) for row in ROWS]
    rows[1][9] = "abc"            # line 3: Trễ hạn is not a number
    rows[2][9] = 90               # line 4: late 90 > resolved 85
    rows[3][1] = 13               # line 5: month 13
    rows[4][6] = 36               # line 6: parts 37 ≠ resolved 36
    rows[5][5] = ""               # line 7: Tiếp nhận empty
    with pytest.raises(ImportRejected) as error:
        tthc_import(commune=commune_a, upload=upload(make(rows), name="bang.xlsx"))
    assert error.value.messages == [
        "Dòng 3, cột «Trễ hạn»: «abc» không phải là số nguyên.",
        "Dòng 4, cột «Trễ hạn»: Trễ hạn (90) không thể lớn hơn đã giải quyết (85).",
        "Dòng 5, cột «Tháng»: Tháng phải từ 1 đến 12 (đang là 13).",
        "Dòng 6, cột «Đã giải quyết»: Trước hạn (9) + đúng hạn (27) + trễ hạn (1) = 37, "
        "phải bằng đã giải quyết (36).",
        "Dòng 7, cột «Tiếp nhận»: ô trống; hãy nhập 0 nếu không có hồ sơ.",
    ]
    assert TthcResult.objects.filter(commune=commune_a).count() == 1  # only what was there before


@pytest.mark.django_db
def test_duplicate_rows_in_one_file_are_refused(commune_a):
    with pytest.raises(ImportRejected) as error:
        tthc_import(commune=commune_a, upload=upload(csv_bytes([ROWS[0], ROWS[1], ROWS[0]])))
    assert error.value.messages == [
        "Dòng 4, cột «Lĩnh vực»: trùng tháng 1/2025 và lĩnh vực «Đất đai» với dòng 2."
    ]
    assert not TthcResult.objects.exists()


@pytest.mark.django_db
def test_headers_are_matched_without_accents_or_case_and_with_semicolons(commune_a):
    header = ["NAM", "thang", "Linh vuc", "Kỳ trước chuyển sang", "TIẾP NHẬN", "đã giải quyết", "Trước hạn",
              "Đúng hạn", "Trễ hạn", "Đang giải quyết"]
    rows = [[2025, 3, "Đất đai", 1, "1.204", 1200, 200, 999, 1, 5]]
    counts = tthc_import(commune=commune_a, upload=upload(csv_bytes(rows, header=header, bom=False, delimiter=";")))
    assert counts.created == 1
    assert TthcResult.objects.get(commune=commune_a).received_count == 1204  # "1.204" is one thousand two hundred


@pytest.mark.django_db
def test_unknown_or_missing_columns_refuse_the_file(commune_a):
    header = ["Năm", "Tháng", "Lĩnh vực", "Tiếp nhận", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Trễ hạn",
              "Đang giải quyết", "Ghi chú"]
    with pytest.raises(ImportRejected) as error:
        tthc_import(commune=commune_a, upload=upload(csv_bytes([], header=header)))
    assert error.value.messages == [
        "Dòng 1, cột 10: «Ghi chú» không phải cột của mẫu.",
        "Dòng 1: thiếu cột «Kỳ trước chuyển sang».",
    ]


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "message"), [
    ("so-lieu.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "không phải bảng tính CSV (UTF-8) hay Excel (XLSX)"),
    ("so-lieu.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "không phải bảng tính CSV"),
    ("so-lieu.xlsx", _zip(["[Content_Types].xml", "word/document.xml"]), "không phải bảng tính CSV"),
    ("so-lieu.xlsx", b"PK\x03\x04 this is not really a zip", "không phải bảng tính CSV"),
    ("so-lieu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97–2003 (.xls)"),
    ("so-lieu.csv", "Năm,Tháng\r\n2025,1\r\n".encode("utf-16"), "không phải bảng tính CSV"),
    ("so-lieu.csv", b"", "rỗng"),
    ("so-lieu.csv", b"MZ\x90\x00" + b"\x00" * 100, "không phải bảng tính CSV"),
    ("ghi-chu.txt", "Xin chào, đây là ghi chú.\n".encode(), "Dòng 1 phải là dòng tiêu đề cột của mẫu"),
])
def test_files_that_are_neither_csv_nor_xlsx_are_refused(commune_a, name, data, message):
    with pytest.raises(ImportRejected) as error:
        tthc_import(commune=commune_a, upload=upload(data, name=name, content_type="text/csv"))
    assert message in error.value.messages[0]
    assert not TthcResult.objects.exists()


@pytest.mark.django_db
def test_a_file_over_two_megabytes_is_refused_before_reading(commune_a):
    big = csv_bytes(ROWS) + b"\r\n" * (2 * 1024 * 1024)
    with pytest.raises(ImportRejected) as error:
        tthc_import(commune=commune_a, upload=upload(big))
    assert "quá lớn" in error.value.messages[0] and "tối đa 2 MB" in error.value.messages[0]


@pytest.mark.django_db
def test_the_templates_carry_the_documented_header_and_import_once_filled(commune_a):
    csv_template = import_template_csv()
    assert csv_template.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Vietnamese letters
    header = csv_template.decode("utf-8-sig").strip()
    assert header.startswith("Năm (4 chữ số như 2026),Tháng (từ 1 đến 12),")
    assert "Đã giải quyết (bằng trước hạn + đúng hạn + trễ hạn)" in header
    workbook = openpyxl.load_workbook(io.BytesIO(import_template_xlsx()))
    sheet = workbook["Số liệu"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert "Hướng dẫn" in workbook.sheetnames
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert tthc_import(commune=commune_a, upload=upload(buffer.getvalue(), name="mau.xlsx")).created == 6
    filled_csv = csv_template + "\r\n".join(",".join(str(c) for c in row) for row in ROWS).encode()
    assert tthc_import(commune=commune_a, upload=upload(filled_csv)).unchanged == 6


# -- the admin page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_board_head_imports_through_the_admin_page(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    page = client.get("/quan-tri/tthc/tthcresult/", HTTP_HOST=HOST).content.decode()
    assert IMPORT_URL in page and "Nhập từ tệp CSV/Excel" in page
    form = client.get(IMPORT_URL, HTTP_HOST=HOST).content.decode()
    assert "mau.xlsx" in form and "Kỳ trước chuyển sang" in form
    response = client.post(IMPORT_URL, {"commune": commune_a.pk, "file": upload(csv_bytes(ROWS))}, HTTP_HOST=HOST)
    assert response.status_code == 302
    assert TthcResult.objects.filter(commune=commune_a).count() == 6
    listing = client.get(response["Location"], HTTP_HOST=HOST).content.decode()
    assert "Đã nhập tệp «so-lieu.csv» vào Thị trấn Thanh Miện: 6 dòng: 6 dòng mới" in listing


@pytest.mark.django_db
def test_the_admin_page_lists_every_problem_and_imports_nothing(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.SITE_ADMIN))
    rows = [list(row) for row in ROWS]
    rows[0][9] = 25
    response = client.post(IMPORT_URL, {"commune": commune_a.pk, "file": upload(xlsx_bytes(rows), name="x.xlsx")},
                           HTTP_HOST=HOST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Chưa nhập dòng nào" in body
    assert "Dòng 2, cột «Trễ hạn»: Trễ hạn (25) không thể lớn hơn đã giải quyết (19)." in body
    assert not TthcResult.objects.exists()


@pytest.mark.django_db
def test_editor_can_neither_import_nor_download_templates(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.EDITOR))
    page = client.get("/quan-tri/tthc/tthcresult/", HTTP_HOST=HOST)
    assert page.status_code == 200 and IMPORT_URL not in page.content.decode()
    assert client.get(IMPORT_URL, HTTP_HOST=HOST).status_code == 403
    assert client.post(IMPORT_URL, {"commune": commune_a.pk, "file": upload(csv_bytes(ROWS))},
                       HTTP_HOST=HOST).status_code == 403
    assert client.get(IMPORT_URL + "mau.csv", HTTP_HOST=HOST).status_code == 403
    assert not TthcResult.objects.exists()


@pytest.mark.django_db
def test_board_head_of_a_cannot_import_into_b(client, commune_a, commune_b, member_of):
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    form = client.get(IMPORT_URL, HTTP_HOST=HOST).content.decode()
    assert "Bí Mật Zeta" not in form
    response = client.post(IMPORT_URL, {"commune": commune_b.pk, "file": upload(csv_bytes(ROWS))}, HTTP_HOST=HOST)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not TthcResult.objects.exists()


@pytest.mark.django_db
def test_an_editor_of_b_who_heads_a_imports_only_into_a(client, commune_a, commune_b, member_of):
    from tests.factories import MembershipFactory

    user = member_of(commune_a, Membership.Role.BOARD_HEAD)
    MembershipFactory(user=user, commune=commune_b, role=Membership.Role.EDITOR)
    client.force_login(user)
    response = client.post(IMPORT_URL, {"commune": commune_b.pk, "file": upload(csv_bytes(ROWS))}, HTTP_HOST=HOST)
    assert response.status_code == 200 and not TthcResult.objects.filter(commune=commune_b).exists()


@pytest.mark.django_db
def test_templates_download_from_the_admin(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    csv_response = client.get(IMPORT_URL + "mau.csv", HTTP_HOST=HOST)
    assert csv_response.status_code == 200 and csv_response.content.startswith(b"\xef\xbb\xbfN\xc4\x83m")
    assert csv_response["Content-Disposition"] == 'attachment; filename="mau-ket-qua-tthc.csv"'
    xlsx_response = client.get(IMPORT_URL + "mau.xlsx", HTTP_HOST=HOST)
    assert xlsx_response.status_code == 200 and xlsx_response.content.startswith(b"PK\x03\x04")
    assert client.get(IMPORT_URL + "mau.exe", HTTP_HOST=HOST).status_code == 404


@pytest.mark.django_db
def test_an_xlsx_that_unzips_too_big_is_refused_unread(commune_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(ImportRejected) as error:
        tthc_import(commune=commune_a, upload=upload(buffer.getvalue(), name="bom.xlsx"))
    assert "giải nén ra quá lớn" in error.value.messages[0]


@pytest.mark.django_db
def test_excel_numbers_must_be_whole(commune_a):
    rows = [[2025.0, 1.0, "", "Đất đai", 2.0, 20.0, 19.0, 5.0, 13.0, 1.0, 3.0],
            [2025, 2, "", "Đất đai", 3, 18, 20, 4, 15.5, 0, 1]]
    with pytest.raises(ImportRejected) as error:
        tthc_import(commune=commune_a, upload=upload(xlsx_bytes(rows), name="a.xlsx"))
    assert error.value.messages == ["Dòng 3, cột «Đúng hạn»: «15,5» không phải là số nguyên."]
    assert tthc_import(commune=commune_a, upload=upload(xlsx_bytes(rows[:1]), name="a.xlsx")).created == 1
