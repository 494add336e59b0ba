from datetime import date

from stats.models import DailyVisit


def make_foreign_objects(commune_b):
    """One DailyVisit of commune B; its changelist row names the commune (a 'Zeta' marker)."""
    DailyVisit.objects.create(commune=commune_b, day=date(2026, 1, 5), visits=7, page_views=9)
