"""Writes to polls: casting a vote.

``poll_vote`` is the one place the voting rules live, so a test can race it from threads
without HTTP. The vote row and the counter increment are one transaction; the unique
constraint on (poll, voter_token) decides between two parallel votes of the same visitor
(PostgreSQL makes the second insert wait for the first and then fail; SQLite, in IMMEDIATE
mode, runs the two transactions one after the other), and ``F("vote_count") + 1`` is a single
UPDATE, so no increment is lost whatever the number of app processes.
"""
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from mttq_portal.vietnamese import format_datetime_vn

from .models import Poll, PollOption, PollVote


class VoteRefused(Exception):
    """A vote that is not counted. ``message`` is shown to the citizen; ``status`` is the HTTP
    status of the page that says so."""

    status = 409

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PollNotFound(VoteRefused):
    status = 404


class PollNotOpen(VoteRefused):
    pass


class OptionInvalid(VoteRefused):
    status = 400


class AlreadyVoted(VoteRefused):
    pass


def poll_check_open(poll, *, now=None):
    """Raise ``PollNotOpen`` with the reason when the poll takes no votes at ``now``."""
    now = now or timezone.now()
    if not poll.is_active:
        raise PollNotOpen("Cuộc thăm dò này hiện không nhận biểu quyết.")
    state = poll.state(now)
    if state == Poll.State.UPCOMING:
        raise PollNotOpen(
            f"Cuộc thăm dò chưa mở. Bạn có thể biểu quyết từ {format_datetime_vn(poll.opens_at)}."
        )
    if state == Poll.State.CLOSED:
        raise PollNotOpen(
            f"Cuộc thăm dò đã kết thúc lúc {format_datetime_vn(poll.closes_at)}; biểu quyết không được ghi nhận."
        )


def _option_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def poll_vote(*, commune, poll_id, option_id, voter_token, address_hash, now=None):
    """Count one vote of ``voter_token`` for ``option_id`` in the commune's poll ``poll_id``.

    Returns the ``PollVote``. Raises a ``VoteRefused`` subclass, with nothing counted, when the
    poll is not this commune's, not open or inactive, the option is not one of the poll's, or
    this visitor has voted in this poll already.
    """
    now = now or timezone.now()
    poll = Poll.objects.filter(pk=poll_id, commune=commune).first()
    if poll is None:
        raise PollNotFound("Không tìm thấy cuộc thăm dò này trên trang thông tin của đơn vị.")
    poll_check_open(poll, now=now)
    option_pk = _option_id(option_id)
    if option_pk is None:
        raise OptionInvalid("Bạn chưa chọn phương án nào. Hãy chọn một phương án rồi bấm «Biểu quyết».")
    option = PollOption.objects.filter(pk=option_pk, poll=poll).first()
    if option is None:
        raise OptionInvalid("Phương án bạn chọn không thuộc cuộc thăm dò này; biểu quyết không được ghi nhận.")
    try:
        with transaction.atomic():
            vote = PollVote.objects.create(
                poll=poll, option=option, voter_token=voter_token, address_hash=address_hash, created_at=now,
            )
            PollOption.objects.filter(pk=option.pk).update(vote_count=F("vote_count") + 1)
    except IntegrityError:
        if PollVote.objects.filter(poll=poll, voter_token=voter_token).exists():
            raise AlreadyVoted(
                "Bạn đã biểu quyết trong cuộc thăm dò này. Mỗi người chỉ biểu quyết một lần."
            ) from None
        raise
    return vote
