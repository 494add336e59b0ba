"""The demo: a year of figures in three fields for both demo communes, one connected (to a
closed port, so a sync shows an honest error), the other not; safe to run twice."""
from io import StringIO

from django.core.management import call_command
import pytest

from communes.demo import demo_communes_load
from tthc.demo import demo_tthc_load
from tthc.figures import FIGURE_NAMES, figures_problems
from tthc.models import TthcConnection, TthcResult
from tthc.selectors import tthc_box_uncached


@pytest.mark.django_db
def test_demo_figures_are_consistent_and_loading_twice_adds_nothing():
    demo_communes_load(password="mat-khau-demo-123")
    out = StringIO()
    demo_tthc_load(stdout=out)
    demo_tthc_load(stdout=StringIO())
    assert "Kết quả TTHC mẫu: Thị trấn Thanh Miện — 36 dòng mới" in out.getvalue()
    for code in ("thanhmien", "saovang"):
        rows = TthcResult.objects.filter(commune__code=code)
        assert rows.count() == 36
        assert len({(r.year, r.month) for r in rows}) == 12
        for row in rows:
            assert figures_problems({name: getattr(row, name) for name in FIGURE_NAMES}) == {}
    thanhmien = TthcConnection.objects.get(commune__code="thanhmien")
    saovang = TthcConnection.objects.get(commune__code="saovang")
    assert thanhmien.is_enabled and not saovang.is_enabled
    box = tthc_box_uncached(thanhmien.commune)
    assert box["has_data"] and box["status"] == "not_connected"


@pytest.mark.django_db
def test_a_sync_of_the_demo_shows_an_honest_error_and_keeps_the_figures():
    demo_communes_load(password="mat-khau-demo-123")
    demo_tthc_load(stdout=StringIO())
    before = TthcResult.objects.filter(commune__code="thanhmien").count()
    with pytest.raises(Exception) as error:
        call_command("sync_tthc", "--commune", "thanhmien", stdout=StringIO(), stderr=StringIO())
    assert getattr(error.value, "returncode", None) == 1
    connection = TthcConnection.objects.get(commune__code="thanhmien")
    assert connection.status == TthcConnection.Status.ERROR
    assert TthcResult.objects.filter(commune__code="thanhmien").count() == before
    assert tthc_box_uncached(connection.commune)["status"] == "error"
