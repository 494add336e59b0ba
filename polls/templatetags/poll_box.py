"""{% poll_box as box %}: the data of the sidebar poll box on every public page.

Nothing here is cached: whether the box shows the form or the results depends on the
visitor's own cookie. The queries stay fixed: one when no poll is open, two with a poll
(its options prefetched), one more when the visitor carries a voter cookie.
"""
from django import template
from django.middleware.csrf import get_token

from polls import selectors
from polls.voter import voter_token_read

register = template.Library()


@register.simple_tag(takes_context=True)
def poll_box(context):
    request = context.get("request")
    commune = getattr(request, "commune", None)
    if commune is None:
        return None
    poll = selectors.poll_for_box(commune)
    if poll is None:
        return None
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "polls:detail" and match.kwargs.get("pk") == poll.pk:
        return None  # the page itself shows this poll
    # The box differs per visitor (form or results, by the voter cookie): asking for the CSRF
    # token marks the response "Vary: Cookie" even when no form is drawn, so no shared cache
    # hands one visitor's box to another.
    get_token(request)
    has_voted = selectors.poll_has_vote(poll, voter_token_read(request))
    return {
        "poll": poll,
        "has_voted": has_voted,
        "results": selectors.poll_results(poll) if has_voted else None,
    }
