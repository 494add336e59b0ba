"""Keep derived state in step: the host cache and the role groups of each person."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Commune, CommuneHost, Membership
from .roles import user_sync_role_groups
from .selectors import host_cache_clear


def _hosts_affected_by(commune):
    """A commune's own hosts, plus those of communes merged into it (their redirect target)."""
    hostnames = set(CommuneHost.objects.filter(commune=commune).values_list("hostname", flat=True))
    hostnames |= set(CommuneHost.objects.filter(commune__merged_into=commune).values_list("hostname", flat=True))
    return hostnames


@receiver([post_save, post_delete], sender=Commune)
def commune_changed(sender, instance, **kwargs):
    host_cache_clear(_hosts_affected_by(instance))


@receiver([post_save, post_delete], sender=CommuneHost)
def host_changed(sender, instance, **kwargs):
    hostnames = {instance.hostname}
    try:
        hostnames |= _hosts_affected_by(instance.commune)
    except Commune.DoesNotExist:
        pass
    host_cache_clear(hostnames)


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance, **kwargs):
    user_sync_role_groups(instance.user)
