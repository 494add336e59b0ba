"""A citizen votes from the box on the home page in Chromium and sees the result with its percentage."""
from pathlib import Path

import pytest

from polls.models import PollVote
from tests.factories import commune_with_host
from tests.polls.conftest import BROWSER_UA, poll_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture
def phone(new_context):
    """A phone-sized page that announces an ordinary browser (headless Chromium names itself
    "HeadlessChrome", which the portal rightly treats as a bot)."""
    context = new_context(user_agent=BROWSER_UA, viewport={"width": 360, "height": 800})
    return context.new_page()


@pytest.fixture
def town(transactional_db):
    commune = commune_with_host(
        "thanhmien", "Thị trấn Thanh Miện", title_line="Trang thông tin điện tử thị trấn Thanh Miện"
    )
    poll = poll_make(commune, options=("Rất hữu ích", "Hữu ích", "Chưa hữu ích"), votes=[2, 1, 0])
    return commune, poll


def test_citizen_votes_on_the_home_page_and_sees_the_percentage(phone, live_server, town):
    commune, poll = town
    port = live_server.url.rsplit(":", 1)[1]
    page = phone
    page.goto(f"http://{commune.code}.localhost:{port}/")
    # The cached page holds the same box for everyone; fragments.js swaps in this reader's own.
    live = "section.poll:not([data-fragment])"
    page.wait_for_selector(live)
    box = page.locator(live)
    assert box.locator("legend").inner_text() == poll.question
    choice = box.get_by_label("Chưa hữu ích")
    # Touch targets: the whole row is the label, at least 44 px high.
    assert box.locator("label.poll__choice").first.bounding_box()["height"] >= 44
    assert box.get_by_role("button", name="Biểu quyết").bounding_box()["height"] >= 44
    SHOTS.mkdir(parents=True, exist_ok=True)
    box.screenshot(path=str(SHOTS / "poll-box-form-360.png"))
    choice.check()
    with page.expect_navigation():
        box.get_by_role("button", name="Biểu quyết").click()
    assert page.url.endswith("/#tham-do")
    page.wait_for_selector(live)
    box = page.locator(live)
    assert "Cảm ơn bạn đã biểu quyết." in box.inner_text()
    results = box.locator(".poll__result")
    assert results.nth(0).inner_text().split() == ["Rất", "hữu", "ích", "2", "(50%)"]
    assert results.nth(2).inner_text().split() == ["Chưa", "hữu", "ích", "1", "(25%)"]
    assert "4 lượt bình chọn" in box.inner_text()
    assert box.locator("input[type=radio]").count() == 0
    assert PollVote.objects.filter(poll=poll).count() == 4
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box.screenshot(path=str(SHOTS / "poll-box-voted-360.png"))

    # Coming back later: still the results, and a second vote is not possible from the page.
    page.goto(f"http://{commune.code}.localhost:{port}/tham-do/{poll.pk}/")
    assert "Cảm ơn bạn đã biểu quyết." in page.locator("main").inner_text()
    assert page.locator("main input[type=radio]").count() == 0
