"""{% poll_box as box %}: the sidebar poll box on every public page.

The page itself must stay the same for every reader so that the page cache can keep it: the
box drawn into the page is the same for all (the question and its options; without JavaScript
the button opens the poll's own page with the choice already made). JavaScript then replaces it
with the reader's own box from ``polls:box`` (the vote form with this reader's CSRF token, or
the results once they have voted). Queries: none once read (kept per commune, see mttq_portal.commune_parts).
"""
from django import template

from mttq_portal.commune_parts import part

register = template.Library()


@register.simple_tag(takes_context=True)
def poll_box(context):
    request = context.get("request")
    commune = getattr(request, "commune", None)
    if commune is None:
        return None
    poll = part(request, "poll")  # polls.selectors.poll_for_box, kept per commune
    if poll is None:
        return None
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "polls:detail" and match.kwargs.get("pk") == poll.pk:
        return None  # the page itself shows this poll
    return {"poll": poll}
