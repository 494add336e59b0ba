"""factory_boy factories for the tthc models (kept here until they move to tests/factories.py)."""
import factory

from mttq_portal.vietnamese import slugify_vi
from tests.factories import CommuneFactory
from tthc.models import Source, TthcConnection, TthcResult


class TthcResultFactory(factory.django.DjangoModelFactory):
    """A consistent month: 4 carried over + 52 received = 56 to process; 50 resolved
    (12 early, 36 on time, 2 late), 6 still in progress."""

    class Meta:
        model = TthcResult

    commune = factory.SubFactory(CommuneFactory)
    year = 2025
    month = 3
    field_name = ""
    field_code = factory.LazyAttribute(lambda o: slugify_vi(o.field_name, max_length=60))
    carried_over_count = 4
    received_count = 52
    resolved_count = 50
    early_count = 12
    on_time_count = 36
    late_count = 2
    in_progress_count = 6
    source = Source.MANUAL


class TthcConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TthcConnection
        django_get_or_create = ["commune"]

    commune = factory.SubFactory(CommuneFactory)
    is_enabled = True
    provider = TthcConnection.Provider.OPENCPS
    base_url = "http://127.0.0.1:9"
    group_id = "35417"
    agency_code = "UBND-TT"
    timeout_seconds = 1
    retries = 0
    backoff_seconds = 0
