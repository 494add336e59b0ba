from django.contrib.auth.models import Group
import pytest

from communes.models import Membership
from communes.roles import ROLE_GROUP_NAMES


@pytest.mark.django_db
def test_role_groups_exist_with_their_permissions():
    perms = {
        name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for name in ROLE_GROUP_NAMES.values()
    }
    assert perms["Biên tập viên"] >= {"view_commune"}
    assert "change_commune" not in perms["Biên tập viên"]
    assert {"view_commune", "change_commune", "view_membership"} <= perms["Quản trị trang"]
    # Nobody but the platform operator manages accounts or host names.
    for codenames in perms.values():
        assert not {c for c in codenames if c.endswith("_user") or c.endswith("_group") or c.endswith("_communehost")}


@pytest.mark.django_db
def test_membership_puts_the_person_in_the_role_group_and_the_admin(commune_a, commune_b, member_of):
    user = member_of(commune_a, Membership.Role.EDITOR)
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Biên tập viên"]
    Membership.objects.create(user=user, commune=commune_b, role=Membership.Role.BOARD_HEAD)
    assert set(user.groups.values_list("name", flat=True)) == {"Biên tập viên", "Trưởng Ban Biên tập"}


@pytest.mark.django_db
def test_removing_the_last_membership_closes_the_admin(commune_a, member_of):
    user = member_of(commune_a, Membership.Role.SITE_ADMIN)
    Membership.objects.filter(user=user).delete()
    user.refresh_from_db()
    assert user.is_staff is False
    assert user.groups.count() == 0


@pytest.mark.django_db
def test_one_role_per_person_and_commune(commune_a, member_of):
    from django.db import IntegrityError, transaction

    user = member_of(commune_a, Membership.Role.EDITOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, commune=commune_a, role=Membership.Role.BOARD_HEAD)


@pytest.mark.django_db
def test_user_has_role_is_per_commune(commune_a, commune_b, member_of):
    from communes.selectors import user_has_role

    user = member_of(commune_a, Membership.Role.BOARD_HEAD)
    assert user_has_role(user, commune_a, [Membership.Role.BOARD_HEAD])
    assert not user_has_role(user, commune_b, [Membership.Role.BOARD_HEAD])
    assert not user_has_role(user, commune_a, [Membership.Role.SITE_ADMIN])
