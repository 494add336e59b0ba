"""The demo polls: each demo town has an open poll with votes already cast and a closed one with
its results; loading twice changes nothing."""
from io import StringIO

from django.core.management import call_command
from django.db.models import Sum
import pytest

from polls.models import Poll, PollVote
from tests.polls.conftest import BROWSER_UA

pytestmark = pytest.mark.django_db


def test_load_demo_adds_an_open_and_a_closed_poll_per_town_and_is_repeatable(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    before = (Poll.objects.count(), PollVote.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Poll.objects.count(), PollVote.objects.count()) == before
    assert "Thăm dò mẫu" in out.getvalue()
    for code in ["thanhmien", "saovang"]:
        polls = list(Poll.objects.filter(commune__code=code))
        assert sorted(p.state() for p in polls) == [Poll.State.CLOSED, Poll.State.OPEN]
        for poll in polls:
            assert len(poll.options.all()) >= 3
            counted = poll.options.aggregate(total=Sum("vote_count"))["total"]
            assert counted == PollVote.objects.filter(poll=poll).count() > 0
            for option in poll.options.all():
                assert option.vote_count == option.votes.count()
        open_poll = next(p for p in polls if p.state() == Poll.State.OPEN)
        assert len(open_poll.options.all()) == 4
        home = client.get("/", HTTP_HOST=f"{code}.localhost", HTTP_USER_AGENT=BROWSER_UA).content.decode()
        assert open_poll.question in home and "Biểu quyết" in home
