"""Objects of the polls app for the admin scoping walk (tests/communes/test_admin_scoping.py)."""
import uuid

from polls.models import Poll, PollOption, PollVote


def make_foreign_objects(commune_b):
    """One object of every polls model for commune B, each carrying "Bí Mật Zeta" in a field its
    admin shows (the question in the poll list; the option labels on the poll's change page)."""
    poll = Poll.objects.create(commune=commune_b, question="Câu hỏi Bí Mật Zeta?")
    first = PollOption.objects.create(poll=poll, label="Phương án Bí Mật Zeta", position=0, vote_count=1)
    PollOption.objects.create(poll=poll, label="Phương án khác Zeta", position=1)
    PollVote.objects.create(poll=poll, option=first, voter_token=uuid.uuid4(), address_hash="0" * 64)
    return [poll]
