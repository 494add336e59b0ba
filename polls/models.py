"""Ý kiến thăm dò: a commune's polls, their options and the votes cast.

A vote is one ``PollVote`` row plus an ``F()`` increment of its option's ``vote_count``, both
in one transaction (``polls.services.poll_vote``), so the counter always equals the number of
rows and a page shows totals without counting rows. The unique constraint on
(poll, voter_token) is what makes "one vote per visitor" hold when two requests race.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from communes.models import Commune


class PollQuerySet(models.QuerySet):
    def public(self, commune, *, now=None):
        """What a citizen may see on the list and results pages: active and already opened
        (open or closed). Polls not yet open stay hidden, so a question can be prepared ahead."""
        return self.filter(commune=commune, is_active=True, opens_at__lte=now or timezone.now())

    def open(self, commune, *, now=None):
        """Polls that take votes right now."""
        now = now or timezone.now()
        return self.public(commune, now=now).filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))


class Poll(models.Model):
    class State(models.TextChoices):
        UPCOMING = "upcoming", "Chưa mở"
        OPEN = "open", "Đang mở"
        CLOSED = "closed", "Đã kết thúc"

    commune_lookup = "commune"

    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(
        "câu hỏi", max_length=300,
        help_text="Ví dụ: Bạn đánh giá thế nào về trang thông tin điện tử của thị trấn?",
    )
    opens_at = models.DateTimeField(
        "mở từ", default=timezone.now, help_text="Giờ Việt Nam (GMT+7), ví dụ 01/07/2025 08:00.",
    )
    closes_at = models.DateTimeField(
        "kết thúc lúc", null=True, blank=True,
        help_text="Để trống nếu chưa định ngày kết thúc. Sau thời điểm này trang kết quả vẫn còn.",
    )
    is_active = models.BooleanField(
        "hiển thị", default=True,
        help_text="Bỏ chọn để ẩn cuộc thăm dò khỏi trang (kể cả trang kết quả) mà không xóa.",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = "cuộc thăm dò"
        verbose_name_plural = "ý kiến thăm dò"
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="poll_closes_after_it_opens",
                violation_error_message="Thời điểm kết thúc phải sau thời điểm mở.",
            ),
        ]
        indexes = [models.Index(fields=["commune", "is_active", "-opens_at"], name="poll_public_list")]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("polls:detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "Thời điểm kết thúc phải sau thời điểm mở."})

    def state(self, now=None):
        now = now or timezone.now()
        if self.opens_at > now:
            return self.State.UPCOMING
        if self.closes_at is not None and self.closes_at <= now:
            return self.State.CLOSED
        return self.State.OPEN

    @property
    def state_label(self):
        return self.State(self.state()).label

    @property
    def is_open(self):
        return self.is_active and self.state() == self.State.OPEN


class PollOption(models.Model):
    commune_lookup = "poll__commune"

    poll = models.ForeignKey(Poll, verbose_name="cuộc thăm dò", on_delete=models.CASCADE, related_name="options")
    label = models.CharField("phương án", max_length=200)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    # Maintained only by polls.services.poll_vote (F() increments); never typed in.
    vote_count = models.PositiveIntegerField("số lượt bình chọn", default=0, editable=False)

    class Meta:
        verbose_name = "phương án"
        verbose_name_plural = "phương án"
        ordering = ["position", "id"]

    def __str__(self):
        return self.label


class PollVote(models.Model):
    """One visitor's vote. The visitor is known only by a random token from a signed cookie;
    the address is kept as a keyed hash, enough to rate-limit and nothing to show."""

    commune_lookup = "poll__commune"

    poll = models.ForeignKey(Poll, verbose_name="cuộc thăm dò", on_delete=models.CASCADE, related_name="votes")
    # RESTRICT: an option that has votes cannot be deleted on its own (the counts would no longer
    # add up), yet deleting the whole poll still takes its options and votes with it.
    option = models.ForeignKey(PollOption, verbose_name="phương án", on_delete=models.RESTRICT, related_name="votes")
    voter_token = models.UUIDField("mã người bình chọn")
    address_hash = models.CharField("địa chỉ (đã băm)", max_length=64)
    created_at = models.DateTimeField("lúc", default=timezone.now)

    class Meta:
        verbose_name = "lượt bình chọn"
        verbose_name_plural = "lượt bình chọn"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "voter_token"], name="one_vote_per_visitor_and_poll",
                violation_error_message="Người này đã bình chọn trong cuộc thăm dò này.",
            ),
        ]

    def __str__(self):
        return f"{self.poll_id}: {self.option_id}"

    def clean(self):
        if self.option_id and self.poll_id and self.option.poll_id != self.poll_id:
            raise ValidationError({"option": "Phương án không thuộc cuộc thăm dò này."})
