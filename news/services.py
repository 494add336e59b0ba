"""Writes to articles and comments. Each runs in one transaction and checks who may do it.

The editorial rule: editors write and submit; only the editorial board head (or the
platform operator) publishes, schedules and withdraws. Every save keeps a revision; a save
based on an older version than the one stored is refused (``StaleEdit``) so nobody's text is
silently overwritten.
"""
from dataclasses import dataclass
import re
import unicodedata
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from communes.models import Membership
from communes.selectors import user_has_role
from mttq_portal.vietnamese import fold_vietnamese, format_datetime_vn, slugify_vi

from .images import ImageRejected, image_process
from .models import Article, ArticleDailyView, ArticleEvent, ArticleRevision, Comment
from .sanitize import html_sanitize, html_to_text

PUBLISHER_ROLES = [Membership.Role.BOARD_HEAD]
WRITER_ROLES = [Membership.Role.EDITOR, Membership.Role.BOARD_HEAD, Membership.Role.SITE_ADMIN]


class StaleEdit(Exception):
    """The article changed since the person opened it."""

    def __init__(self, current):
        self.current = current
        user = current.updated_by
        who = (user.get_full_name() or user.username) if user else "người khác"
        super().__init__(
            f"Bài viết đã được {who} lưu lúc {format_datetime_vn(current.updated_at)} trong khi bạn đang sửa "
            f"(phiên bản {current.version}). Nội dung bạn vừa nhập vẫn còn trong biểu mẫu: hãy mở bài ở một thẻ "
            "khác để xem bản mới, chép phần bạn sửa vào, rồi lưu lại."
        )


def can_publish(user, commune):
    return user_has_role(user, commune, PUBLISHER_ROLES)


def can_write(user, commune):
    return user_has_role(user, commune, WRITER_ROLES)


def can_edit_article(user, article):
    """Editors change drafts, pending and withdrawn articles; a published one is the board head's."""
    if article.pk is None or article.status != Article.Status.PUBLISHED:
        return can_write(user, article.commune)
    return can_publish(user, article.commune)


# -- content preparation ---------------------------------------------------------------------

_IMG_TAG = re.compile(r"<img\b(?![^>]*\bloading=)", re.IGNORECASE)
_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table>", re.IGNORECASE)


def body_render(body_clean):
    """The HTML a reader gets, computed once on save: lazy images, tables that scroll on phones."""
    html = _IMG_TAG.sub('<img loading="lazy" decoding="async"', body_clean)
    # A focusable region, so keyboard users can scroll a wide table (WCAG 2.1.1).
    html = _TABLE_OPEN.sub('<div class="table-scroll" tabindex="0" role="region" aria-label="Bảng"><table', html)
    return _TABLE_CLOSE.sub("</table></div>", html)


_IMG_ALT = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def images_without_alt(html):
    """Images whose alt text is missing or empty (every image needs a meaningful description)."""
    return [tag for tag in _IMG_ALT.findall(html or "") if not re.search(r'\balt="[^"]*\S[^"]*"', tag)]


def _unique_slug(article):
    base = slugify_vi(article.title, max_length=180) or "bai-viet"
    slug, n = base, 2
    while Article.objects.filter(commune_id=article.commune_id, slug=slug).exclude(pk=article.pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def article_prepare(article):
    """Sanitise the body and precompute what pages and search read.

    Text is stored composed (NFC): Unikey's "Unicode tổ hợp" types separate tone marks, which
    would otherwise break highlighting and exact matches.
    """
    article.title = unicodedata.normalize("NFC", article.title or "")
    article.sapo = unicodedata.normalize("NFC", article.sapo or "")
    article.body = unicodedata.normalize("NFC", article.body or "")
    article.body = html_sanitize(article.body or "")
    article.body_html = body_render(article.body)
    article.body_text = html_to_text(article.body)
    article.search_text = fold_vietnamese(" ".join([article.title, article.sapo, article.body_text]))
    # The address is stable once an article has been published: shared links must keep working.
    if not _was_published(article) and (not article.slug or _title_changed(article)):
        article.slug = _unique_slug(article)


def _was_published(article):
    """Once readers have seen the address, it stays (a publish event, or a stored publish time)."""
    if article.pk is None:
        return False
    if Article.objects.filter(pk=article.pk, published_at__isnull=False).exists():
        return True
    return article.events.filter(
        action__in=[ArticleEvent.Action.PUBLISHED, ArticleEvent.Action.SCHEDULED]
    ).exists()


def _title_changed(article):
    old = Article.objects.filter(pk=article.pk).values_list("title", flat=True).first()
    return old is not None and old != article.title


def images_store(processed, *, folder):
    """Save a processed image's original and renditions; returns (original_name, renditions)."""
    stem = uuid.uuid4().hex
    extension = processed.original.name.rsplit(".", 1)[-1]
    original_name = default_storage.save(f"{folder}/{stem}.{extension}", processed.original)
    renditions = {}
    for key, files in processed.renditions.items():
        entry = {"width": files["width"], "height": files["height"]}
        for fmt in ("webp", "jpeg"):
            if files.get(fmt) is not None:
                ext = "jpg" if fmt == "jpeg" else "webp"
                entry[fmt] = default_storage.save(f"renditions/{folder}/{stem}-{key}.{ext}", files[fmt])
        renditions[key] = entry
    return original_name, renditions


def image_upload_process(upload, *, folder):
    """Run an upload through the Pillow pipeline; ImageRejected carries the Vietnamese message."""
    processed = image_process(upload, stem=slugify_vi(upload.name.rsplit(".", 1)[0])[:60] or "anh")
    return images_store(processed, folder=folder)


# -- revisions and events ---------------------------------------------------------------------

def _revision_create(article, by):
    number = (article.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ArticleRevision.objects.create(
        article=article, number=number, saved_by=by, title=article.title, sapo=article.sapo, body=article.body,
        data={
            "category_id": article.category_id, "author_byline": article.author_byline, "source": article.source,
            "cover_alt": article.cover_alt, "cover_caption": article.cover_caption,
            "is_featured": article.is_featured, "tag_ids": sorted(article.tags.values_list("pk", flat=True)),
            "status": article.status, "version": article.version,
        },
    )


def _event(article, action, by, note=""):
    ArticleEvent.objects.create(article=article, action=action, actor=by, note=note[:300])


# -- writes -------------------------------------------------------------------------------------

@transaction.atomic
def article_save(*, article, by, expected_version=None, cover_upload=None):
    """Create or update an article through the editorial rules; returns the saved article.

    ``expected_version`` is the version the person's form was based on. Raises ``StaleEdit``
    when the stored article is newer, ``PermissionDenied`` when the person may not change it,
    ``ValidationError`` for a refused cover image (nothing is saved then).
    """
    is_new = article.pk is None
    if is_new:
        if not can_write(by, article.commune):
            raise PermissionDenied("Bạn không có quyền viết bài cho đơn vị này.")
        article.created_by = by
        article.version = 1
    else:
        current = Article.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=article.pk)
        if not can_edit_article(by, current):
            raise PermissionDenied("Bài đã đăng chỉ Trưởng Ban Biên tập được sửa.")
        if expected_version is not None and int(expected_version) != current.version:
            raise StaleEdit(current)
        article.version = current.version + 1
        article.status = current.status  # the status changes only through the workflow services
        article.published_at = current.published_at if article.published_at is None else article.published_at
    if cover_upload is not None:
        try:
            # Assign the stored name, not .name on the upload: that would make Django save the
            # raw upload (camera metadata included) a second time, publicly, on save().
            cover_name, article.renditions = image_upload_process(cover_upload, folder="articles")
            article.cover = cover_name
        except ImageRejected as error:
            raise ValidationError({"cover": error.message}) from error
    article.updated_by = by
    article_prepare(article)
    if images_without_alt(article.body):
        raise ValidationError({"body": "Ảnh trong nội dung cần có mô tả (bấm vào ảnh, chọn «Đổi chữ alt của ảnh» "
                                       "và tả ảnh chụp gì) để người khiếm thị cũng hiểu."})
    article.full_clean(exclude=["cover"])
    article.save()
    _event(article, ArticleEvent.Action.CREATED if is_new else ArticleEvent.Action.EDITED, by)
    return article


def article_snapshot(article, by):
    """Take the revision after tags and gallery are saved (the admin saves m2m after the row)."""
    return _revision_create(article, by)


def _locked(article):
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def _article_move(*, article, by, allowed, sources, target, action, denied, invalid, note=""):
    """One workflow step: lock the row, check who and from where, change status, record it."""
    current = _locked(article)
    if not allowed(by, current.commune):
        raise PermissionDenied(denied)
    if current.status not in sources:
        raise ValidationError(invalid)
    current.status = target
    current.save(update_fields=["status", "updated_at"])
    _event(current, action, by, note)
    return current


def article_submit(*, article, by):
    return _article_move(
        article=article, by=by, allowed=can_write, sources=(Article.Status.DRAFT, Article.Status.WITHDRAWN),
        target=Article.Status.PENDING, action=ArticleEvent.Action.SUBMITTED,
        denied="Bạn không có quyền gửi duyệt bài của đơn vị này.",
        invalid="Chỉ gửi duyệt được bài đang là bản nháp hoặc đã gỡ.",
    )


@transaction.atomic
def article_publish(*, article, by, at=None):
    """Publish now, or at ``at`` (scheduled: it appears by itself when the time comes)."""
    current = _locked(article)
    if not can_publish(by, current.commune):
        raise PermissionDenied("Chỉ Trưởng Ban Biên tập được đăng bài.")
    if current.status == Article.Status.PUBLISHED and current.published_at and at is None:
        return current
    now = timezone.now()
    current.status = Article.Status.PUBLISHED
    current.published_at = at if at is not None else now
    current.save(update_fields=["status", "published_at", "updated_at"])
    scheduled = current.published_at > now
    _event(
        current, ArticleEvent.Action.SCHEDULED if scheduled else ArticleEvent.Action.PUBLISHED, by,
        note=f"Hẹn đăng lúc {format_datetime_vn(current.published_at)}" if scheduled else "",
    )
    return current


def article_withdraw(*, article, by, note=""):
    return _article_move(
        article=article, by=by, allowed=can_publish, sources=(Article.Status.PUBLISHED,),
        target=Article.Status.WITHDRAWN, action=ArticleEvent.Action.WITHDRAWN, note=note,
        denied="Chỉ Trưởng Ban Biên tập được gỡ bài.", invalid="Chỉ gỡ được bài đã đăng hoặc đã hẹn giờ.",
    )


def article_return_to_draft(*, article, by, note=""):
    return _article_move(
        article=article, by=by, allowed=can_publish, sources=(Article.Status.PENDING,),
        target=Article.Status.DRAFT, action=ArticleEvent.Action.RETURNED, note=note,
        denied="Chỉ Trưởng Ban Biên tập được trả bài.", invalid="Chỉ trả lại được bài đang chờ duyệt.",
    )


@transaction.atomic
def article_revision_restore(*, article, revision, by):
    """Bring back an older revision's text as a new version (nothing in between is lost)."""
    current = Article.objects.select_for_update().get(pk=article.pk)
    if revision.article_id != current.pk:
        raise PermissionDenied("Phiên bản không thuộc bài viết này.")
    if not can_edit_article(by, current):
        raise PermissionDenied("Bạn không có quyền sửa bài này.")
    current.title, current.sapo, current.body = revision.title, revision.sapo, revision.body
    data = revision.data
    for field in ("author_byline", "source", "cover_alt", "cover_caption", "is_featured"):
        if field in data:
            setattr(current, field, data[field])
    current.version += 1
    current.updated_by = by
    article_prepare(current)
    current.save()
    if "tag_ids" in data:
        current.tags.set(current.commune.tags.filter(pk__in=data["tag_ids"]))
    _event(current, ArticleEvent.Action.RESTORED, by, note=f"Khôi phục phiên bản {revision.number}")
    _revision_create(current, by)
    return current


# -- readers ----------------------------------------------------------------------------------

@dataclass
class CommentResult:
    comment: Comment
    created: bool


@transaction.atomic
def comment_create(*, article, name, email, body, consent_text, address_hash, submission_id):
    """Store a reader's comment for moderation. The same submission twice stores it once."""
    existing = Comment.objects.filter(article=article, submission_id=submission_id).first()
    if existing is not None:
        return CommentResult(existing, False)
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                article=article, name=name.strip(), email=email.strip(), body=body.strip(),
                consent_given_at=timezone.now(), consent_text=consent_text, address_hash=address_hash,
                submission_id=submission_id,
            )
    except IntegrityError:
        return CommentResult(Comment.objects.get(article=article, submission_id=submission_id), False)
    return CommentResult(comment, True)


def _comments_pages_changed(comments):
    from mttq_portal.page_cache import commune_changed

    for commune_id in set(comments.values_list("article__commune_id", flat=True)):
        commune_changed(commune_id)


def comment_moderate(*, comments, status, by):
    _comments_pages_changed(comments)
    return comments.update(status=status, moderated_by=by, moderated_at=timezone.now())


def comment_erase_personal_data(*, comments):
    """Erase a commenter's name, e-mail and address trace; the text stays if approved."""
    _comments_pages_changed(comments)
    return comments.update(name="(đã xóa)", email="", address_hash="", personal_data_erased_at=timezone.now())


def article_view_record(*, article_id, day):
    """Count one page view: the article's total and its row for the day (GMT+7)."""
    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)
    updated = ArticleDailyView.objects.filter(article_id=article_id, day=day).update(views=F("views") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ArticleDailyView.objects.create(article_id=article_id, day=day, views=1)
        except IntegrityError:
            ArticleDailyView.objects.filter(article_id=article_id, day=day).update(views=F("views") + 1)
