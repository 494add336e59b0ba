from io import StringIO

from django.core.management import call_command
import pytest

from communes.management.commands.generate_scale_data import article_text
from communes.models import Commune
from news.models import Article
from reports.models import ReportSummary
from stats.models import DailyVisit
from tthc.models import TthcResult


def test_the_same_seed_writes_the_same_text():
    import random

    first = [article_text(random.Random(7), i) for i in range(3)]
    again = [article_text(random.Random(7), i) for i in range(3)]
    other = [article_text(random.Random(8), i) for i in range(3)]
    assert first == again and first != other


@pytest.mark.django_db
def test_scale_data_fills_every_app_and_its_pages_serve(client):
    out = StringIO()
    call_command("generate_scale_data", "--communes", "3", "--articles", "60", "--seed", "1", "--batch", "25",
                 stdout=out)
    assert "Bài viết: 60/60" in out.getvalue()
    assert Commune.objects.filter(code__startswith="scale").count() == 3
    assert Article.objects.count() == 60
    # The first commune is the big town: 10% of the articles; the rest are shared evenly.
    assert Article.objects.filter(commune__code="scale0001").count() == 6
    assert Article.objects.filter(commune__code="scale0002").count() == 27
    assert ReportSummary.objects.count() == 3 * 12 and TthcResult.objects.count() == 3 * 12
    assert DailyVisit.objects.count() == 3 * 90
    article = Article.objects.filter(status="published", commune__code="scale0001").first()
    assert client.get(article.get_absolute_url(), HTTP_HOST="scale0001.localhost").status_code == 200
    assert client.get("/tim-kiem/?q=mat+tran", HTTP_HOST="scale0002.localhost").status_code == 200
    call_command("generate_scale_data", "--communes", "3", "--articles", "60", stdout=StringIO())
    assert Article.objects.count() == 60  # existing communes are left alone


@pytest.mark.django_db
def test_a_run_cut_short_continues_with_the_same_articles():
    call_command("generate_scale_data", "--communes", "3", "--articles", "20", "--seed", "5", "--batch", "7",
                 stdout=StringIO())
    out = StringIO()
    call_command("generate_scale_data", "--communes", "3", "--articles", "50", "--seed", "5", "--batch", "7",
                 stdout=out)
    assert "Đã có 20 bài viết: viết tiếp." in out.getvalue()
    resumed = sorted(Article.objects.values_list("slug", "commune__code"))
    assert len(resumed) == 50 and ReportSummary.objects.count() == 3 * 12  # extras not doubled
    assert sorted(int(slug.rsplit("-", 1)[1]) for slug, _code in resumed) == list(range(50))  # none twice
    # Each article comes from its own seeded generator: the resumed ones are what a single run makes.
    from random import Random

    title, _sapo, _paragraphs = article_text(Random(5 * 10_000_019 + 42), 42)
    assert Article.objects.filter(title=title).count() == 1
