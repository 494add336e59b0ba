"""What makes a commune's cached pages stale (see mttq_portal.page_cache).

Every model whose rows a public page shows is listed here with the way to its commune; a save or
delete of any of them replaces that commune's page generation, so the next reader gets a fresh
page. Bulk writes that bypass signals call ``page_cache.commune_changed`` themselves (comment
moderation, TTHC imports and syncs).
"""
from django.db.models.signals import post_delete, post_save

from mttq_portal import page_cache


def _own(instance):
    return instance.commune_id


def _via_article(instance):
    from news.models import Article

    return Article.objects.filter(pk=instance.article_id).values_list("commune_id", flat=True).first()


def _via_report(instance):
    from reports.models import ReportSummary

    return ReportSummary.objects.filter(pk=instance.report_id).values_list("commune_id", flat=True).first()


def _via_poll(instance):
    from polls.models import Poll

    return Poll.objects.filter(pk=instance.poll_id).values_list("commune_id", flat=True).first()


WATCHED = {
    "communes.Commune": lambda instance: instance.pk,
    "communes.CommuneHost": _own,
    "news.Category": _own,
    "news.Tag": _own,
    "news.Article": _own,
    "news.GalleryImage": _via_article,
    "news.Comment": _via_article,
    "reports.ReportingBody": _own,
    "reports.FigureDefinition": _own,
    "reports.ReportSummary": _own,
    "reports.ReportFigure": _via_report,
    "tthc.TthcResult": _own,
    "tthc.TthcConnection": _own,
    "polls.Poll": _own,
    "polls.PollOption": _via_poll,
}


def _changed(sender, instance, created=False, **kwargs):
    if sender._meta.label == "news.Comment" and created and instance.status != "approved":
        return  # a new comment waits for moderation: no page shows it yet
    page_cache.commune_changed(WATCHED[sender._meta.label](instance))


def connect():
    for label in WATCHED:
        post_save.connect(_changed, sender=label, dispatch_uid=f"page_cache.save.{label}")
        post_delete.connect(_changed, sender=label, dispatch_uid=f"page_cache.delete.{label}")


@page_cache.register_next_change
def _next_scheduled_article(commune_id, now):
    from news.models import Article

    return (Article.objects.filter(commune_id=commune_id, status=Article.Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at").values_list("published_at", flat=True).first())


@page_cache.register_next_change
def _next_poll_change(commune_id, now):
    from django.db.models import Min, Q

    from polls.models import Poll

    found = Poll.objects.filter(commune_id=commune_id, is_active=True).aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)), closes=Min("closes_at", filter=Q(closes_at__gt=now)),
    )
    moments = [m for m in found.values() if m is not None]
    return min(moments) if moments else None
