"""Report summaries: one per body and period, charts over published periods, safe files."""
from decimal import Decimal
from io import BytesIO
import threading
import zipfile

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
import pytest

from communes.models import Membership
from reports import services
from reports.files import ReportFileRejected, report_file_validate
from reports.models import Period, ReportSummary
from reports.selectors import figure_series
from tests.factories import (
    FigureDefinitionFactory,
    ReportFigureFactory,
    ReportingBodyFactory,
    ReportSummaryFactory,
)

HOST = "thanhmien.localhost"


def _zip(names):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = _zip(["[Content_Types].xml", "word/document.xml"])
XLSX = _zip(["[Content_Types].xml", "xl/workbook.xml"])
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@pytest.mark.parametrize(("name", "data", "kind"), [("bc.pdf", PDF, "pdf"), ("bc.docx", DOCX, "docx"),
                                                    ("bc.xlsx", XLSX, "xlsx"), ("khong-duoi", PDF, "pdf")])
def test_report_files_are_recognised_by_content(name, data, kind):
    assert report_file_validate(SimpleUploadedFile(name, data)).kind == kind


@pytest.mark.parametrize(("name", "data", "message"), [
    ("bao-cao.pdf", EXE, "không phải là PDF"),
    ("bao-cao.pdf", b"#!/bin/sh\nrm -rf /\n", "không phải là PDF"),
    ("bao-cao.pdf", DOCX, "có đuôi .pdf nhưng nội dung là Word"),
    ("bao-cao.docx", _zip(["a.txt"]), "không phải là PDF"),
    ("bao-cao.pdf", b"", "rỗng"),
])
def test_bad_report_files_are_refused_in_vietnamese(name, data, message):
    with pytest.raises(ReportFileRejected) as error:
        report_file_validate(SimpleUploadedFile(name, data, content_type="application/pdf"))
    assert message in error.value.message


@pytest.fixture
def officials(commune_a, member_of):
    return {"editor": member_of(commune_a, Membership.Role.EDITOR),
            "head": member_of(commune_a, Membership.Role.BOARD_HEAD)}


@pytest.mark.django_db
def test_second_published_report_for_the_same_period_is_refused_or_replaces_by_choice(commune_a, officials):
    body = ReportingBodyFactory(commune=commune_a, name="Hội Nông dân")
    first = ReportSummaryFactory(commune=commune_a, body=body, year=2024, period=Period.H1)
    second = ReportSummaryFactory(commune=commune_a, body=body, year=2024, period=Period.H1, status="draft")
    with pytest.raises(services.DuplicateReport) as error:
        services.report_publish(report=second, by=officials["head"])
    assert "Đã có báo cáo" in error.value.messages[0] and "6 tháng đầu năm 2024" in error.value.messages[0]
    services.report_publish(report=second, by=officials["head"], replace=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "withdrawn" and second.status == "published"


@pytest.mark.django_db
def test_editor_cannot_publish_a_report(commune_a, officials):
    report = ReportSummaryFactory(commune=commune_a, status="draft")
    with pytest.raises(PermissionDenied):
        services.report_publish(report=report, by=officials["editor"])


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_publishes_of_the_same_period_leave_exactly_one(commune_a, member_of):
    head = member_of(commune_a, Membership.Role.BOARD_HEAD)
    body = ReportingBodyFactory(commune=commune_a)
    drafts = [ReportSummaryFactory(commune=commune_a, body=body, year=2025, period=Period.YEAR, status="draft")
              for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def publish(report):
        try:
            barrier.wait(timeout=10)
            services.report_publish(report=report, by=head)
            outcomes.append("published")
        except services.DuplicateReport:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["published", "refused"]
    assert ReportSummary.objects.filter(body=body, year=2025, period=Period.YEAR, status="published").count() == 1


@pytest.mark.django_db
def test_chart_lists_exactly_the_published_periods_in_order(commune_a):
    body = ReportingBodyFactory(commune=commune_a)
    fund = FigureDefinitionFactory(commune=commune_a, name="Quỹ Vì người nghèo")
    made = {}
    for year, period, status, value in [
        (2024, Period.YEAR, "published", 120), (2023, Period.H1, "published", 40), (2024, Period.H1, "published", 60),
        (2023, Period.YEAR, "published", 90), (2024, Period.Q3, "draft", 70), (2022, Period.YEAR, "withdrawn", 10),
        (2024, Period.M9, "published", 95),
    ]:
        report = ReportSummaryFactory(commune=commune_a, body=body, year=year, period=period, status=status)
        ReportFigureFactory(report=report, definition=fund, value=value)
        made[(year, period)] = report
    other_body = ReportSummaryFactory(commune=commune_a, year=2024, period=Period.H1)
    ReportFigureFactory(report=other_body, definition=fund, value=999)
    series = figure_series(made[(2024, Period.YEAR)])
    points = [(p.report.year, p.report.period, p.value) for p in series[0]["points"]]
    assert points == [
        (2023, "h1", Decimal("40")), (2023, "year", Decimal("90")), (2024, "h1", Decimal("60")),
        (2024, "m9", Decimal("95")), (2024, "year", Decimal("120")),
    ]


@pytest.mark.django_db
def test_figures_keep_their_decimal_precision_and_show_in_vietnamese(client, commune_a):
    report = ReportSummaryFactory(commune=commune_a)
    ReportFigureFactory(report=report, definition=FigureDefinitionFactory(commune=commune_a, unit="triệu đồng"),
                        value=Decimal("1234567.89"))
    page = client.get(report.get_absolute_url(), HTTP_HOST=HOST).content.decode()
    assert "1.234.567,89" in page
    assert report.figures.get().value == Decimal("1234567.8900")


@pytest.mark.django_db
def test_withdrawn_report_leaves_the_list_the_charts_and_the_home_page(client, commune_a, officials):
    body = ReportingBodyFactory(commune=commune_a)
    fund = FigureDefinitionFactory(commune=commune_a)
    old = ReportSummaryFactory(commune=commune_a, body=body, year=2023, period=Period.YEAR, title="Báo cáo cũ 2023")
    new = ReportSummaryFactory(commune=commune_a, body=body, year=2024, period=Period.YEAR, title="Báo cáo mới 2024")
    ReportFigureFactory(report=old, definition=fund, value=11)
    ReportFigureFactory(report=new, definition=fund, value=22)
    assert "Báo cáo mới 2024" in client.get("/", HTTP_HOST=HOST).content.decode()
    services.report_withdraw(report=new, by=officials["head"])
    assert "Báo cáo mới 2024" not in client.get("/bao-cao/", HTTP_HOST=HOST).content.decode()
    assert client.get(new.get_absolute_url(), HTTP_HOST=HOST).status_code == 404
    home = client.get("/", HTTP_HOST=HOST).content.decode()
    assert "Báo cáo mới 2024" not in home and "Báo cáo cũ 2023" in home
    old_page = client.get(old.get_absolute_url(), HTTP_HOST=HOST).content.decode()
    assert [p.value for p in figure_series(old)[0]["points"]] == [Decimal("11")]
    assert "Cả năm 2024" not in old_page


@pytest.mark.django_db
def test_reports_of_another_commune_are_not_reachable(client, commune_a, commune_b):
    foreign = ReportSummaryFactory(commune=commune_b, title="Báo cáo Zeta")
    assert client.get(foreign.get_absolute_url(), HTTP_HOST=HOST).status_code == 404
    assert "Báo cáo Zeta" not in client.get("/bao-cao/", HTTP_HOST=HOST).content.decode()


@pytest.mark.django_db
def test_list_filters_by_reporting_body(client, commune_a):
    farmers = ReportingBodyFactory(commune=commune_a, name="Hội Nông dân")
    women = ReportingBodyFactory(commune=commune_a, name="Hội Liên hiệp Phụ nữ")
    ReportSummaryFactory(commune=commune_a, body=farmers, title="Báo cáo của nông dân")
    ReportSummaryFactory(commune=commune_a, body=women, title="Báo cáo của phụ nữ")
    page = client.get(f"/bao-cao/?co-quan={farmers.slug}", HTTP_HOST=HOST).content.decode()
    assert "Báo cáo của nông dân" in page and "Báo cáo của phụ nữ" not in page


@pytest.mark.django_db
def test_original_file_is_served_with_a_safe_name_and_type(client, commune_a, officials):
    report = ReportSummaryFactory(commune=commune_a, status="draft")
    services.report_attach_file(report, SimpleUploadedFile('"><script>x.pdf', PDF, content_type="text/html"))
    services.report_save(report=report, by=officials["editor"])
    services.report_publish(report=report, by=officials["head"])
    response = client.get(f"/bao-cao/{report.slug}/tep-goc/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "<script>" not in disposition and disposition.endswith('.pdf"')
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_official_creates_a_report_with_figures_in_the_admin_and_an_exe_is_refused(client, commune_a, officials):
    body = ReportingBodyFactory(commune=commune_a)
    fund = FigureDefinitionFactory(commune=commune_a, name="Quỹ Vì người nghèo")
    client.force_login(officials["head"])
    form = {
        "commune": commune_a.pk, "body": body.pk, "year": "2025", "period": "h1",
        "title": "Báo cáo sơ kết 6 tháng đầu năm 2025", "slug": "", "conference": "Hội nghị lần thứ VI",
        "conference_date": "04/07/2025", "achievements": "<p>Kết quả tốt<script>x</script></p>",
        "shortcomings": "<p>Còn hạn chế.</p>", "directions": "<p>Nhiệm vụ tới.</p>", "signatory": "TM. Ban Thường trực",
        "figures-TOTAL_FORMS": "1", "figures-INITIAL_FORMS": "0", "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "1000", "figures-0-definition": fund.pk, "figures-0-value": "125,5",
        "figures-0-target": "", "figures-0-note": "", "_publish": "1",
        "original_file": SimpleUploadedFile("bao-cao.pdf", EXE, content_type="application/pdf"),
    }
    refused = client.post("/quan-tri/reports/reportsummary/add/", form, HTTP_HOST=HOST)
    assert refused.status_code == 200
    assert "không phải là PDF" in refused.content.decode()
    assert not ReportSummary.objects.exists()
    form["original_file"] = SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")
    created = client.post("/quan-tri/reports/reportsummary/add/", form, HTTP_HOST=HOST)
    assert created.status_code == 302, created.context["adminform"].form.errors
    report = ReportSummary.objects.get()
    assert report.status == "published" and "<script" not in report.achievements
    assert report.figures.get().value == Decimal("125.5")
    page = client.get(report.get_absolute_url(), HTTP_HOST=HOST).content.decode()
    assert "125,5" in page, page
    assert "<svg" in page
    assert "Hội nghị lần thứ VI" in page and "04/07/2025" in page


@pytest.mark.django_db
def test_report_revisions_compare_and_restore_text_and_figures(client, commune_a, officials):
    body = ReportingBodyFactory(commune=commune_a)
    fund = FigureDefinitionFactory(commune=commune_a, name="Quỹ Vì người nghèo")
    client.force_login(officials["head"])
    form = {
        "commune": commune_a.pk, "body": body.pk, "year": "2025", "period": "year", "title": "Tổng kết năm 2025",
        "slug": "", "conference": "", "conference_date": "", "achievements": "<p>Bản đầu.</p>", "shortcomings": "",
        "directions": "", "signatory": "", "figures-TOTAL_FORMS": "1", "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0", "figures-MAX_NUM_FORMS": "1000", "figures-0-definition": fund.pk,
        "figures-0-value": "10", "figures-0-target": "", "figures-0-note": "",
    }
    assert client.post("/quan-tri/reports/reportsummary/add/", form, HTTP_HOST=HOST).status_code == 302
    report = ReportSummary.objects.get()
    figure = report.figures.get()
    form.update({"achievements": "<p>Bản sửa.</p>", "expected_version": "1", "figures-INITIAL_FORMS": "1",
                 "figures-0-id": figure.pk, "figures-0-report": report.pk, "figures-0-value": "20"})
    changed = client.post(f"/quan-tri/reports/reportsummary/{report.pk}/change/", form, HTTP_HOST=HOST)
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    assert report.revisions.count() == 2
    compare = client.get(f"/quan-tri/reports/reportsummary/{report.pk}/phien-ban/so-sanh/?tu=1&den=2", HTTP_HOST=HOST)
    text = compare.content.decode().replace("&nbsp;", " ")
    assert "Bản đầu." in text and "Bản sửa." in text and "Quỹ" in text
    restore = client.post(f"/quan-tri/reports/reportsummary/{report.pk}/phien-ban/1/khoi-phuc/", HTTP_HOST=HOST)
    assert restore.status_code == 302
    report.refresh_from_db()
    assert report.achievements == "<p>Bản đầu.</p>"
    assert report.figures.get().value == Decimal("10")
    assert report.revisions.count() == 3


@pytest.mark.django_db
def test_revisions_of_another_communes_report_are_out_of_reach(client, commune_a, commune_b, member_of):
    foreign = ReportSummaryFactory(commune=commune_b, title="Báo cáo Zeta")
    services.report_snapshot(foreign, None)
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    for url in [f"/quan-tri/reports/reportsummary/{foreign.pk}/phien-ban/",
                f"/quan-tri/reports/reportsummary/{foreign.pk}/phien-ban/so-sanh/?tu=1&den=1"]:
        response = client.get(url, HTTP_HOST=HOST)
        assert response.status_code in (302, 403, 404) and "Báo cáo Zeta" not in response.content.decode()
    client.post(f"/quan-tri/reports/reportsummary/{foreign.pk}/phien-ban/1/khoi-phuc/", HTTP_HOST=HOST)
    assert foreign.revisions.count() == 1


@pytest.mark.django_db
def test_original_files_are_private_with_random_names(client, commune_a, officials, settings):
    report = ReportSummaryFactory(commune=commune_a, status="draft")
    services.report_attach_file(report, SimpleUploadedFile("bao-cao-mat.pdf", PDF))
    services.report_save(report=report, by=officials["editor"])
    name = report.original_file.name
    assert "bao-cao-mat" not in name and name.endswith(".pdf")
    path = report.original_file.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in path and str(settings.MEDIA_ROOT / "reports") not in path
    # A draft's file is not downloadable through the view either.
    assert client.get(f"/bao-cao/{report.slug}/tep-goc/", HTTP_HOST=HOST).status_code == 404
