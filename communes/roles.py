"""The three roles of a commune's portal, as Django groups with model permissions.

A role says *what* a person may do; the ``Membership`` says *where*. The admin combines
both: model permissions come from the groups, and every queryset is narrowed to the
communes of the person's memberships (``communes.admin_scoping``). Apps that add models
extend ``ROLE_PERMISSIONS``; ``ensure_role_groups`` runs after every migrate.
"""
from django.contrib.auth.models import Group, Permission

from .models import Membership

ROLE_GROUP_NAMES = {
    Membership.Role.EDITOR: "Biên tập viên",
    Membership.Role.BOARD_HEAD: "Trưởng Ban Biên tập",
    Membership.Role.SITE_ADMIN: "Quản trị trang",
}

# "app_label.codename" per role. Permissions of models that do not exist yet are skipped.
ROLE_PERMISSIONS = {
    Membership.Role.EDITOR: [
        "communes.view_commune",
    ],
    Membership.Role.BOARD_HEAD: [
        "communes.view_commune",
    ],
    Membership.Role.SITE_ADMIN: [
        "communes.view_commune",
        "communes.change_commune",
        "communes.view_membership",
    ],
}


def extend_role_permissions(role, codenames):
    """Called by other apps' AppConfig.ready() to grant their models' permissions."""
    for codename in codenames:
        if codename not in ROLE_PERMISSIONS[role]:
            ROLE_PERMISSIONS[role].append(codename)


def ensure_role_groups(**kwargs):
    """Create or update the role groups so their permissions match ROLE_PERMISSIONS exactly."""
    for role, group_name in ROLE_GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def user_sync_role_groups(user):
    """Put the user in exactly the groups of the roles they hold on some commune.

    Groups that are not role groups (made by the platform operator) are left alone.
    ``is_staff`` follows: a person with a membership may log in to the admin.
    """
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    role_groups = {g.name: g for g in Group.objects.filter(name__in=ROLE_GROUP_NAMES.values())}
    missing = [name for name in ROLE_GROUP_NAMES.values() if name not in role_groups]
    for name in missing:
        role_groups[name] = Group.objects.create(name=name)
    for role, name in ROLE_GROUP_NAMES.items():
        if role in roles:
            user.groups.add(role_groups[name])
        else:
            user.groups.remove(role_groups[name])
    should_be_staff = bool(roles) or user.is_superuser
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])
