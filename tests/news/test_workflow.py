"""The editorial rules, tested on the services directly."""
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
import pytest

from communes.models import Membership
from news import services
from news.models import Article, ArticleEvent
from tests.factories import ArticleFactory, CategoryFactory


@pytest.fixture
def people(commune_a, member_of):
    return {
        "editor": member_of(commune_a, Membership.Role.EDITOR),
        "head": member_of(commune_a, Membership.Role.BOARD_HEAD),
    }


def _draft(commune, by, **fields):
    article = Article(
        commune=commune, category=CategoryFactory(commune=commune), title=fields.pop("title", "Tin mới về Mặt trận"),
        sapo="Sapo của bài.", body=fields.pop("body", "<p>Nội dung.</p>"), **fields,
    )
    article = services.article_save(article=article, by=by)
    services.article_snapshot(article, by)
    return article


@pytest.mark.django_db
def test_draft_to_pending_to_published_records_who_did_what(commune_a, people):
    article = _draft(commune_a, people["editor"])
    assert article.status == Article.Status.DRAFT
    services.article_submit(article=article, by=people["editor"])
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, by=people["editor"])
    published = services.article_publish(article=article, by=people["head"])
    assert published.status == Article.Status.PUBLISHED and published.published_at <= timezone.now()
    trail = list(article.events.order_by("at", "id").values_list("action", "actor__username"))
    assert trail == [
        ("created", people["editor"].username),
        ("submitted", people["editor"].username),
        ("published", people["head"].username),
    ]
    assert Article.objects.published(commune_a).filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_scheduled_article_appears_by_itself_at_its_time(commune_a, people):
    article = _draft(commune_a, people["editor"])
    at = timezone.now() + timedelta(hours=2)
    services.article_publish(article=article, by=people["head"], at=at)
    assert not Article.objects.published(commune_a).filter(pk=article.pk).exists()
    later = timezone.now() + timedelta(hours=2, minutes=1)
    assert Article.objects.published(commune_a, now=later).filter(pk=article.pk).exists()
    assert article.events.filter(action=ArticleEvent.Action.SCHEDULED).exists()


@pytest.mark.django_db
def test_only_the_board_head_withdraws_and_withdrawn_is_hidden(commune_a, people):
    article = _draft(commune_a, people["editor"])
    services.article_publish(article=article, by=people["head"])
    with pytest.raises(PermissionDenied):
        services.article_withdraw(article=article, by=people["editor"])
    services.article_withdraw(article=article, by=people["head"], note="Sai số liệu")
    assert not Article.objects.published(commune_a).filter(pk=article.pk).exists()
    with pytest.raises(ValidationError):
        services.article_withdraw(article=article, by=people["head"])


@pytest.mark.django_db
def test_board_head_of_another_commune_cannot_publish(commune_a, commune_b, people, member_of):
    article = _draft(commune_a, people["editor"])
    other_head = member_of(commune_b, Membership.Role.BOARD_HEAD)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, by=other_head)


@pytest.mark.django_db
def test_editor_cannot_change_a_published_article(commune_a, people):
    article = _draft(commune_a, people["editor"])
    services.article_publish(article=article, by=people["head"])
    article.refresh_from_db()
    article.title = "Sửa sau khi đăng"
    with pytest.raises(PermissionDenied):
        services.article_save(article=article, by=people["editor"], expected_version=article.version)


@pytest.mark.django_db
def test_stale_save_is_refused_and_nothing_is_overwritten(commune_a, people):
    article = _draft(commune_a, people["editor"])
    first = Article.objects.get(pk=article.pk)
    second = Article.objects.get(pk=article.pk)
    first.body = "<p>Bản của người thứ nhất.</p>"
    services.article_save(article=first, by=people["editor"], expected_version=1)
    second.body = "<p>Bản của người thứ hai.</p>"
    with pytest.raises(services.StaleEdit) as error:
        services.article_save(article=second, by=people["head"], expected_version=1)
    assert "phiên bản 2" in str(error.value)
    assert Article.objects.get(pk=article.pk).body == "<p>Bản của người thứ nhất.</p>"


@pytest.mark.django_db
def test_every_save_keeps_a_revision_and_restoring_makes_a_new_one(commune_a, people):
    article = _draft(commune_a, people["editor"], title="Tiêu đề đầu tiên")
    article.title = "Tiêu đề thứ hai"
    services.article_save(article=article, by=people["editor"], expected_version=article.version)
    services.article_snapshot(article, people["editor"])
    assert list(article.revisions.order_by("number").values_list("title", flat=True)) == [
        "Tiêu đề đầu tiên", "Tiêu đề thứ hai",
    ]
    first = article.revisions.get(number=1)
    restored = services.article_revision_restore(article=article, revision=first, by=people["editor"])
    assert restored.title == "Tiêu đề đầu tiên"
    assert article.revisions.count() == 3
    assert article.events.filter(action="restored").exists()


@pytest.mark.django_db
def test_slug_keeps_vietnamese_letters_is_unique_and_stable_after_publishing(commune_a, people):
    one = _draft(commune_a, people["editor"], title="Đổi mới, nâng cao chất lượng")
    two = _draft(commune_a, people["editor"], title="Đổi mới, nâng cao chất lượng")
    assert one.slug == "doi-moi-nang-cao-chat-luong"
    assert two.slug == "doi-moi-nang-cao-chat-luong-2"
    services.article_publish(article=one, by=people["head"])
    one.refresh_from_db()
    one.title = "Tiêu đề khác hẳn"
    services.article_save(article=one, by=people["head"], expected_version=one.version)
    one.refresh_from_db()
    assert one.slug == "doi-moi-nang-cao-chat-luong"


@pytest.mark.django_db
def test_hostile_body_is_stored_inert(commune_a, people):
    hostile = (
        '<p>Chào<script>alert(1)</script></p><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)">bấm</a><svg onload="alert(4)"></svg><p style="x:expression(alert(5))">y</p>'
    )
    article = _draft(commune_a, people["editor"], body=hostile)
    for needle in ["<script", "onerror", "javascript:", "<svg", "onload", "expression("]:
        assert needle not in article.body.lower()
        assert needle not in article.body_html.lower()
    assert "Chào" in article.body


@pytest.mark.django_db
def test_category_must_belong_to_the_articles_commune(commune_a, commune_b, people):
    foreign = CategoryFactory(commune=commune_b)
    article = Article(commune=commune_a, category=foreign, title="T", sapo="S", body="<p>B</p>")
    with pytest.raises(ValidationError):
        services.article_save(article=article, by=people["editor"])


@pytest.mark.django_db
def test_double_comment_submission_is_stored_once(commune_a):
    import uuid

    article = ArticleFactory(commune=commune_a)
    token = uuid.uuid4()
    kwargs = dict(article=article, name="An", email="", body="Ý kiến", consent_text="Đồng ý", address_hash="h",
                  submission_id=token)
    assert services.comment_create(**kwargs).created is True
    assert services.comment_create(**kwargs).created is False
    assert article.comments.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_version_one_wins_one_is_told(commune_a, member_of):
    """Real concurrency: two threads, two connections, the same starting version."""
    import threading

    from django.db import connection

    editor = member_of(commune_a, Membership.Role.EDITOR)
    head = member_of(commune_a, Membership.Role.BOARD_HEAD)
    article = _draft(commune_a, editor)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, text):
        try:
            copy = Article.objects.get(pk=article.pk)
            copy.body = f"<p>{text}</p>"
            barrier.wait(timeout=10)
            services.article_save(article=copy, by=user, expected_version=1)
            outcomes.append(("saved", text))
        except services.StaleEdit:
            outcomes.append(("stale", text))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(editor, "Bản A")),
        threading.Thread(target=save, args=(head, "Bản B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _ in outcomes) == ["saved", "stale"]
    winner = next(text for kind, text in outcomes if kind == "saved")
    stored = Article.objects.get(pk=article.pk)
    assert stored.body == f"<p>{winner}</p>" and stored.version == 2


@pytest.mark.django_db
def test_body_images_need_a_description(commune_a, people):
    article = Article(commune=commune_a, category=CategoryFactory(commune=commune_a), title="Ảnh", sapo="S",
                      body='<p>Chữ</p><figure class="image"><img src="/media/a.jpg" alt=""></figure>')
    with pytest.raises(ValidationError) as error:
        services.article_save(article=article, by=people["editor"])
    assert "Ảnh trong nội dung cần có mô tả" in str(error.value)
    article.body = '<figure class="image"><img src="/media/a.jpg" alt="Đại biểu dự hội nghị"></figure>'
    assert services.article_save(article=article, by=people["editor"]).pk


@pytest.mark.django_db
def test_the_same_submission_id_on_two_articles_stores_both_comments(commune_a):
    import uuid

    token = uuid.uuid4()
    first, second = ArticleFactory(commune=commune_a), ArticleFactory(commune=commune_a)
    common = dict(name="An", email="", body="Ý kiến", consent_text="Đồng ý", address_hash="h", submission_id=token)
    assert services.comment_create(article=first, **common).created is True
    assert services.comment_create(article=second, **common).created is True
