"""First browser test: each demo commune's home page, in Chromium, at phone and desktop widths."""
from pathlib import Path

import pytest

from tests.factories import commune_with_host

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture
def communes(transactional_db):
    thanhmien = commune_with_host(
        "thanhmien", "Thị trấn Thanh Miện", title_line="Trang thông tin điện tử thị trấn Thanh Miện",
        editorial_head_name="Nguyễn Quang Huy", address="47 Nguyễn Lương Bằng, thị trấn Thanh Miện",
        phone="0220 3 735 100", email="mttq.thanhmien@example.vn",
    )
    saovang = commune_with_host(
        "saovang", "Thị trấn Sao Vàng", title_line="Trang thông tin điện tử thị trấn Sao Vàng",
        editorial_head_name="Lê Thị Thu Hà", address="Khu phố Xuân Tâm, thị trấn Sao Vàng",
        phone="0237 3 835 000", email="mttq.saovang@example.vn",
    )
    return thanhmien, saovang


@pytest.mark.parametrize("width", [360, 1280])
def test_home_page_of_each_commune_shows_its_own_name_and_footer(page, live_server, communes, width):
    port = live_server.url.rsplit(":", 1)[1]
    page.set_viewport_size({"width": width, "height": 800})
    for commune in communes:
        other = [c for c in communes if c != commune][0]
        response = page.goto(f"http://{commune.code}.localhost:{port}/")
        assert response.status == 200
        assert page.locator("h1").inner_text().upper() == commune.title_line.upper()
        assert commune.name in page.locator("header").inner_text()
        footer = page.locator("footer").inner_text()
        assert commune.editorial_head_name in footer
        assert commune.address in footer and commune.phone in footer and commune.email in footer
        assert other.name not in page.content()
        # Nothing sticks out sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"home-{commune.code}-{width}.png"), full_page=True)


def test_skip_link_is_the_first_stop_for_the_keyboard(page, live_server, communes):
    port = live_server.url.rsplit(":", 1)[1]
    page.goto(f"http://thanhmien.localhost:{port}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Bỏ qua" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#noi-dung"


def test_unknown_host_shows_a_vietnamese_404(page, live_server, communes):
    port = live_server.url.rsplit(":", 1)[1]
    response = page.goto(f"http://khongco.localhost:{port}/")
    assert response.status == 404
    assert "Không tìm thấy trang thông tin" in page.locator("h1").inner_text()
