"""The voting rule itself (polls.services.poll_vote), without HTTP: exact counts when many
visitors vote at the same instant, one vote per visitor when one visitor's requests race,
and the model's own validation."""
from datetime import timedelta
from decimal import Decimal
import threading
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import RestrictedError
from django.utils import timezone
import pytest

from polls import services
from polls.models import Poll, PollOption, PollVote
from polls.selectors import poll_for_reader, poll_results
from tests.polls.conftest import poll_make


def _race(count, work):
    """Run ``work(i)`` in ``count`` threads released at the same instant; each thread uses its own
    database connection. Returns the results (or exceptions) in thread order."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - collected and checked by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.django_db(transaction=True)
def test_sixteen_visitors_voting_at_once_are_all_counted_exactly(commune_a):
    poll = poll_make(commune_a, options=("Có", "Không"))
    options = list(poll.options.all())
    n = 16

    def work(i):
        return services.poll_vote(
            commune=commune_a, poll_id=poll.pk, option_id=options[i % 2].pk, voter_token=uuid.uuid4(),
            address_hash=f"{i:064d}",
        )

    results = _race(n, work)
    assert all(isinstance(r, PollVote) for r in results), results
    assert PollVote.objects.filter(poll=poll).count() == n
    for option in PollOption.objects.filter(poll=poll):
        assert option.vote_count == PollVote.objects.filter(option=option).count() == n // 2
    assert sum(PollOption.objects.filter(poll=poll).values_list("vote_count", flat=True)) == n


@pytest.mark.django_db(transaction=True)
def test_one_visitor_racing_eight_requests_is_counted_once(commune_a):
    poll = poll_make(commune_a, options=("Có", "Không"))
    options = list(poll.options.all())
    token = uuid.uuid4()

    def work(i):
        return services.poll_vote(
            commune=commune_a, poll_id=poll.pk, option_id=options[i % 2].pk, voter_token=token, address_hash="b" * 64,
        )

    results = _race(8, work)
    accepted = [r for r in results if isinstance(r, PollVote)]
    refused = [r for r in results if isinstance(r, services.AlreadyVoted)]
    assert len(accepted) == 1 and len(refused) == 7, results
    assert PollVote.objects.filter(poll=poll).count() == 1
    assert sum(PollOption.objects.filter(poll=poll).values_list("vote_count", flat=True)) == 1
    vote = PollVote.objects.get(poll=poll)
    assert PollOption.objects.get(pk=vote.option_id).vote_count == 1


@pytest.mark.django_db
def test_refused_votes_count_nothing(commune_a, commune_b):
    poll = poll_make(commune_a)
    closed = poll_make(commune_a, question="Đã xong?", opens_at=timezone.now() - timedelta(days=9),
                       closes_at=timezone.now() - timedelta(days=1))
    foreign = poll_make(commune_b, question="Zeta?")
    token = uuid.uuid4()
    cases = [
        (services.PollNotFound, {"poll_id": foreign.pk, "option_id": foreign.options.first().pk}),
        (services.PollNotFound, {"poll_id": 987654, "option_id": 1}),
        (services.PollNotOpen, {"poll_id": closed.pk, "option_id": closed.options.first().pk}),
        (services.OptionInvalid, {"poll_id": poll.pk, "option_id": closed.options.first().pk}),
        (services.OptionInvalid, {"poll_id": poll.pk, "option_id": None}),
    ]
    for error, arguments in cases:
        with pytest.raises(error):
            services.poll_vote(commune=commune_a, voter_token=token, address_hash="c" * 64, **arguments)
    assert PollVote.objects.count() == 0
    assert not PollOption.objects.filter(vote_count__gt=0).exists()


@pytest.mark.django_db
def test_the_poll_opens_and_closes_exactly_on_time(commune_a):
    opens = timezone.now() + timedelta(hours=1)
    poll = poll_make(commune_a, opens_at=opens, closes_at=opens + timedelta(days=1))
    option = poll.options.first()

    def cast(at):
        return services.poll_vote(commune=commune_a, poll_id=poll.pk, option_id=option.pk,
                                  voter_token=uuid.uuid4(), address_hash="d" * 64, now=at)

    with pytest.raises(services.PollNotOpen):
        cast(opens - timedelta(seconds=1))
    assert cast(opens).pk
    assert cast(opens + timedelta(days=1) - timedelta(seconds=1)).pk
    with pytest.raises(services.PollNotOpen):
        cast(opens + timedelta(days=1))
    assert PollOption.objects.get(pk=option.pk).vote_count == 2


def test_percentages_use_the_largest_remainder_and_add_up_to_100():
    poll = Poll(pk=1)
    cases = {
        (1, 1, 1): ["33.4", "33.3", "33.3"],
        (2, 1, 1): ["50.0", "25.0", "25.0"],
        (0, 0, 0): ["0", "0", "0"],
        (1, 0, 0): ["100.0", "0.0", "0.0"],
        (1, 1, 1, 1, 1, 1, 1): ["14.3", "14.3", "14.3", "14.3", "14.3", "14.3", "14.2"],
        (2, 1, 1, 1, 1, 1): ["28.5", "14.3", "14.3", "14.3", "14.3", "14.3"],
    }
    for votes, expected in cases.items():
        options = [PollOption(label=str(i), position=i, vote_count=v) for i, v in enumerate(votes)]
        poll._prefetched_objects_cache = {"options": options}
        results = poll_results(poll)
        assert [row.percent for row in results.rows] == [Decimal(e) for e in expected], votes
        assert results.total == sum(votes)
        if results.total:
            assert sum(row.percent for row in results.rows) == 100


@pytest.mark.django_db
def test_closing_before_opening_is_refused_by_the_form_and_by_the_database(commune_a):
    now = timezone.now()
    poll = Poll(commune=commune_a, question="Sai ngày?", opens_at=now, closes_at=now - timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        poll.full_clean()
    assert error.value.message_dict["closes_at"] == ["Thời điểm kết thúc phải sau thời điểm mở."]
    with pytest.raises(IntegrityError), transaction.atomic():
        poll.save()


@pytest.mark.django_db
def test_a_vote_for_an_option_of_another_poll_does_not_validate(commune_a):
    poll = poll_make(commune_a)
    other = poll_make(commune_a, question="Khác?")
    vote = PollVote(poll=poll, option=other.options.first(), voter_token=uuid.uuid4(), address_hash="e" * 64)
    with pytest.raises(ValidationError) as error:
        vote.full_clean()
    assert "option" in error.value.message_dict


@pytest.mark.django_db
def test_an_option_with_votes_cannot_be_deleted_but_the_whole_poll_can(commune_a):
    poll = poll_make(commune_a, votes=[2, 0, 1])
    with pytest.raises(RestrictedError):
        poll.options.get(position=0).delete()
    poll.options.get(position=1).delete()  # no votes: fine
    poll.delete()
    assert not PollVote.objects.exists() and not PollOption.objects.exists()


@pytest.mark.django_db
def test_public_reads_hide_other_communes_inactive_and_future_polls(commune_a, commune_b):
    visible = poll_make(commune_a)
    hidden = poll_make(commune_a, is_active=False)
    future = poll_make(commune_a, opens_at=timezone.now() + timedelta(days=1))
    foreign = poll_make(commune_b)
    assert poll_for_reader(commune_a, visible.pk) == visible
    for poll in [hidden, future, foreign]:
        assert poll_for_reader(commune_a, poll.pk) is None
