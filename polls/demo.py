"""Demo polls for `load_demo`: per demo town, one open poll with votes already cast and one
closed poll with its final results. Repeatable: a poll that exists (same question) is left as is."""
from datetime import timedelta
import hashlib
import random
import uuid

from django.db import transaction
from django.utils import timezone

from communes.models import Commune

from .models import Poll, PollOption, PollVote

POLLS = [
    {
        "question": "Bạn đánh giá thế nào về trang thông tin điện tử của thị trấn?",
        "opened_days_ago": 20,
        "closes_in_days": 40,
        "options": [("Rất hữu ích", 58), ("Hữu ích", 41), ("Bình thường", 17), ("Chưa hữu ích", 6)],
    },
    {
        "question": "Bạn quan tâm nhất đến nội dung nào trên trang?",
        "opened_days_ago": 120,
        "closes_in_days": -60,
        "options": [
            ("Hoạt động của Mặt trận và các đoàn thể", 73), ("Thủ tục hành chính", 64),
            ("Chính sách an sinh xã hội", 39),
        ],
    },
]


def _demo_poll_create(commune, spec, now, rng):
    opens_at = now - timedelta(days=spec["opened_days_ago"])
    poll = Poll.objects.create(
        commune=commune, question=spec["question"], opens_at=opens_at,
        closes_at=now + timedelta(days=spec["closes_in_days"]),
    )
    span = max(1, int((min(now, poll.closes_at) - opens_at).total_seconds()))
    votes = []
    for position, (label, count) in enumerate(spec["options"]):
        option = PollOption.objects.create(poll=poll, label=label, position=position, vote_count=count)
        for _ in range(count):
            address = f"demo-{commune.code}-{rng.randrange(10**9)}"
            votes.append(PollVote(
                poll=poll, option=option, voter_token=uuid.UUID(int=rng.getrandbits(128), version=4),
                address_hash=hashlib.sha256(address.encode()).hexdigest(),
                created_at=opens_at + timedelta(seconds=rng.randrange(span)),
            ))
    PollVote.objects.bulk_create(votes, batch_size=500)
    return poll


def demo_polls_load(*, stdout):
    now = timezone.now()
    for code in ("thanhmien", "saovang"):
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            continue
        rng = random.Random(code)  # the same demo figures on every machine
        created = 0
        for spec in POLLS:
            if Poll.objects.filter(commune=commune, question=spec["question"]).exists():
                continue
            with transaction.atomic():
                _demo_poll_create(commune, spec, now, rng)
            created += 1
        if created:
            stdout.write(f"  Thăm dò mẫu: {commune.name} — {created} cuộc thăm dò (một đang mở, một đã kết thúc).")
