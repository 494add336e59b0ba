"""Reads for the poll box and pages. Each runs a fixed number of queries whatever the number of
options or votes (options are prefetched; totals come from the maintained counters)."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from mttq_portal import commune_parts

from .models import Poll, PollOption, PollVote

# Percentages are shown with one decimal: 1000 tenths of a percent share the total.
_TENTHS = 1000


def _with_options(queryset):
    return queryset.prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position", "id")))


@commune_parts.register("poll")
def poll_for_box(commune, *, now=None):
    """The commune's poll that takes votes now, newest first when several overlap (two queries,
    one when there is none)."""
    return _with_options(Poll.objects.open(commune, now=now).order_by("-opens_at", "-id")).first()


def polls_for_list(commune, *, now=None):
    return _with_options(Poll.objects.public(commune, now=now).order_by("-opens_at", "-id"))


def poll_for_reader(commune, pk, *, now=None):
    return _with_options(Poll.objects.public(commune, now=now).filter(pk=pk)).first()


def poll_has_vote(poll, token):
    return token is not None and PollVote.objects.filter(poll=poll, voter_token=token).exists()


@dataclass(frozen=True)
class ResultRow:
    option: PollOption
    count: int
    percent: Decimal

    @property
    def bar_width(self):
        """The bar's CSS width, with a decimal point whatever the locale."""
        return f"{self.percent:.1f}"


@dataclass(frozen=True)
class PollResults:
    total: int
    rows: list


def poll_results(poll):
    """Counts and percentages of the poll's (prefetched) options.

    Percentages have one decimal and always add up to exactly 100% when there are votes:
    each option gets its share rounded down, and the tenths left over go to the options with
    the largest remainders (the largest remainder method). Plain rounding would show three
    equal options as 33,3% + 33,3% + 33,3% = 99,9%.
    """
    options = list(poll.options.all())
    total = sum(option.vote_count for option in options)
    if total == 0:
        return PollResults(total=0, rows=[ResultRow(option, 0, Decimal(0)) for option in options])
    shares = []
    for index, option in enumerate(options):
        whole, remainder = divmod(option.vote_count * _TENTHS, total)
        shares.append([whole, remainder, index])
    left = _TENTHS - sum(share[0] for share in shares)
    # Largest remainder first; on a tie the option listed first gets the tenth.
    for share in sorted(shares, key=lambda s: (-s[1], s[2]))[:left]:
        share[0] += 1
    rows = [
        ResultRow(option, option.vote_count, Decimal(share[0]) / 10)
        for option, share in zip(options, shares, strict=True)
    ]
    return PollResults(total=total, rows=rows)
