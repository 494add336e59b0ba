"""Helpers for the poll tests: polls with options and votes already cast, and a browser-like client."""
from datetime import timedelta
from types import SimpleNamespace
import uuid

from django.utils import timezone
import django_ratelimit.core
import pytest

from polls.models import Poll, PollOption, PollVote

HOST_A = "thanhmien.localhost"
HOST_B = "bimatzeta.localhost"
BROWSER_UA = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def poll_make(commune, question="Bạn đánh giá thế nào về trang thông tin điện tử của thị trấn?",
              options=("Rất hữu ích", "Hữu ích", "Bình thường"), votes=None, opens_at=None, closes_at=None,
              is_active=True):
    """A poll with its options; ``votes`` = existing votes per option (rows and counters alike)."""
    now = timezone.now()
    poll = Poll.objects.create(
        commune=commune, question=question, opens_at=opens_at or now - timedelta(days=1), closes_at=closes_at,
        is_active=is_active,
    )
    for position, label in enumerate(options):
        count = (votes or [0] * len(options))[position]
        option = PollOption.objects.create(poll=poll, label=label, position=position, vote_count=count)
        PollVote.objects.bulk_create(
            PollVote(poll=poll, option=option, voter_token=uuid.uuid4(), address_hash="a" * 64) for _ in range(count)
        )
    return poll


@pytest.fixture
def frozen_rate_window(monkeypatch):
    """django-ratelimit counts per clock window; hold the clock so no window edge falls inside a test."""
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_750_000_000.0))


@pytest.fixture
def citizen(client):
    """The test client as a phone browser on commune A."""
    client.defaults.update({"HTTP_USER_AGENT": BROWSER_UA, "HTTP_HOST": HOST_A})
    return client
