"""The cached box of a commune is cleared once its figures or its connection change (after the
transaction commits, so a reader never caches what is about to be rolled back)."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import TthcConnection, TthcResult
from .services import tthc_box_cache_clear_on_commit


@receiver([post_save, post_delete], sender=TthcResult, dispatch_uid="tthc_result_box_cache")
@receiver([post_save, post_delete], sender=TthcConnection, dispatch_uid="tthc_connection_box_cache")
def tthc_box_cache_invalidate(sender, instance, **kwargs):
    tthc_box_cache_clear_on_commit(instance.commune_id)
