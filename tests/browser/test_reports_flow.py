"""An official enters a report summary with key figures in the admin; a citizen sees the
figures and the chart across periods on a phone."""
from decimal import Decimal

import pytest

from communes.models import Membership
from reports.models import Period, ReportSummary
from tests.factories import (
    FigureDefinitionFactory,
    ReportFigureFactory,
    ReportingBodyFactory,
    ReportSummaryFactory,
    UserFactory,
    commune_with_host,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_enters_a_report_with_figures_and_a_citizen_sees_the_chart(page, live_server):
    commune = commune_with_host("saovang", "Thị trấn Sao Vàng", title_line="Trang thông tin điện tử thị trấn Sao Vàng")
    body = ReportingBodyFactory(commune=commune, name="Ủy ban MTTQ")
    fund = FigureDefinitionFactory(commune=commune, name="Quỹ Vì người nghèo", unit="triệu đồng")
    earlier = ReportSummaryFactory(commune=commune, body=body, year=2024, period=Period.YEAR, title="Tổng kết 2024")
    ReportFigureFactory(report=earlier, definition=fund, value=Decimal("80"))
    head = UserFactory(username="truongban")
    Membership.objects.create(user=head, commune=commune, role=Membership.Role.BOARD_HEAD)
    base = f"http://saovang.localhost:{live_server.url.rsplit(':', 1)[1]}"

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/quan-tri/login/")
    page.fill("#id_username", "truongban")
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.click("input[type=submit]")
    page.goto(f"{base}/quan-tri/reports/reportsummary/add/")
    page.locator("#id_body").locator("xpath=following-sibling::span[contains(@class,'select2')]").click()
    page.locator(".select2-container--open .select2-search__field").fill("MTTQ")
    page.locator(".select2-results__option", has_text="Ủy ban MTTQ").click()
    page.fill("#id_year", "2025")
    page.select_option("#id_period", "h1")
    page.fill("#id_title", "Báo cáo sơ kết 6 tháng đầu năm 2025")
    page.fill("#id_conference", "Hội nghị lần thứ VI")
    page.fill("#id_conference_date", "04/07/2025")
    editors = page.locator(".ck-editor__editable")
    editors.nth(0).click()
    page.keyboard.type("Vận động Quỹ Vì người nghèo vượt kế hoạch.")
    page.select_option("#id_figures-0-definition", str(fund.pk))
    page.fill("#id_figures-0-value", "125,5")
    page.click("input[name=_publish]")
    page.wait_for_selector(".messagelist")
    report = ReportSummary.objects.get(title="Báo cáo sơ kết 6 tháng đầu năm 2025")
    assert report.status == "published"
    assert report.conference_date.isoformat() == "2025-07-04"

    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/bao-cao/")
    page.locator("a.report-item__title", has_text="Báo cáo sơ kết 6 tháng đầu năm 2025").click()
    page.wait_for_url(f"{base}{report.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Báo cáo sơ kết 6 tháng đầu năm 2025"
    assert "125,5" in page.locator("table.figures").first.inner_text()
    chart = page.locator("svg.chart").first
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    labels = chart.locator("text.chart__value").all_text_contents()
    assert labels == ["80", "125,5"]  # 2024 whole year, then the first half of 2025
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
