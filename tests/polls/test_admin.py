"""Polls in the admin: the board head and the site admin manage them, an editor only looks; two
options at least; the close after the open; vote counts shown, never typed."""
from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
import pytest

from communes.models import Membership
from polls.models import Poll, PollOption, PollVote
from tests.polls.conftest import HOST_A, poll_make

pytestmark = pytest.mark.django_db
ADD_URL = "/quan-tri/polls/poll/add/"
LIST_URL = "/quan-tri/polls/poll/"


def poll_form(commune, options, **fields):
    data = {
        "commune": str(commune.pk), "question": "Bạn có hài lòng với thủ tục một cửa?",
        "opens_at_0": "01/07/2025", "opens_at_1": "08:00", "closes_at_0": "31/07/2025", "closes_at_1": "17:00",
        "is_active": "on",
        "options-TOTAL_FORMS": str(len(options)), "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "1000",
        "_save": "1",
    }
    for index, label in enumerate(options):
        data[f"options-{index}-label"] = label
        data[f"options-{index}-position"] = str(index) if label else "0"  # an untouched row keeps its initial 0
        data[f"options-{index}-vote_count"] = "999"  # a forged count must be ignored
    data.update(fields)
    return data


@pytest.mark.parametrize("role", [Membership.Role.BOARD_HEAD, Membership.Role.SITE_ADMIN])
def test_board_head_and_site_admin_create_a_poll_with_its_options(client, commune_a, member_of, role):
    client.force_login(member_of(commune_a, role))
    response = client.post(ADD_URL, poll_form(commune_a, ["Hài lòng", "Chưa hài lòng", ""]), HTTP_HOST=HOST_A)
    assert response.status_code == 302, response.content.decode()[:3000]
    poll = Poll.objects.get()
    assert poll.commune == commune_a
    assert timezone.localtime(poll.opens_at).strftime("%d/%m/%Y %H:%M") == "01/07/2025 08:00"
    assert list(poll.options.values_list("label", "vote_count")) == [("Hài lòng", 0), ("Chưa hài lòng", 0)]


def test_a_poll_needs_two_options(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    response = client.post(ADD_URL, poll_form(commune_a, ["Chỉ một phương án", ""]), HTTP_HOST=HOST_A)
    assert response.status_code == 200
    assert "Cuộc thăm dò cần ít nhất hai phương án." in response.content.decode()
    assert not Poll.objects.exists()


def test_the_close_must_come_after_the_open(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    data = poll_form(commune_a, ["Có", "Không"], closes_at_0="30/06/2025")
    response = client.post(ADD_URL, data, HTTP_HOST=HOST_A)
    assert response.status_code == 200
    assert "Thời điểm kết thúc phải sau thời điểm mở." in response.content.decode()
    assert not Poll.objects.exists()


def test_vote_counts_are_shown_but_cannot_be_changed(client, commune_a, member_of):
    poll = poll_make(commune_a, options=("Có", "Không"), votes=[3, 1])
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    page = client.get(f"/quan-tri/polls/poll/{poll.pk}/change/", HTTP_HOST=HOST_A).content.decode()
    assert 'name="options-0-vote_count"' not in page
    assert '<th scope="col">Tỷ lệ</th>' in page  # the results table, as HTML (not escaped text)
    assert "75%" in page and "25%" in page and "4 lượt bình chọn" in page
    first, second = poll.options.all()
    data = poll_form(commune_a, [], question="Câu hỏi đã sửa?", closes_at_0="", closes_at_1="")
    data.update({
        "options-TOTAL_FORMS": "2", "options-INITIAL_FORMS": "2",
        "options-0-id": str(first.pk), "options-0-poll": str(poll.pk), "options-0-label": "Có",
        "options-0-position": "0", "options-0-vote_count": "500",
        "options-1-id": str(second.pk), "options-1-poll": str(poll.pk), "options-1-label": "Không",
        "options-1-position": "1", "options-1-vote_count": "500",
    })
    del data["commune"]  # read-only once created
    response = client.post(f"/quan-tri/polls/poll/{poll.pk}/change/", data, HTTP_HOST=HOST_A)
    assert response.status_code == 302, response.content.decode()[:3000]
    poll.refresh_from_db()
    assert poll.question == "Câu hỏi đã sửa?"
    assert list(poll.options.values_list("vote_count", flat=True)) == [3, 1]


def test_an_option_that_has_votes_cannot_be_deleted_in_the_admin(client, commune_a, member_of):
    poll = poll_make(commune_a, options=("Có", "Không", "Chưa rõ"), votes=[2, 0, 0])
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    options = list(poll.options.all())
    data = poll_form(commune_a, [], closes_at_0="", closes_at_1="")
    data.update({"options-TOTAL_FORMS": "3", "options-INITIAL_FORMS": "3"})
    for index, option in enumerate(options):
        data.update({f"options-{index}-id": str(option.pk), f"options-{index}-poll": str(poll.pk),
                     f"options-{index}-label": option.label, f"options-{index}-position": str(index)})
    data["options-0-DELETE"] = "on"
    del data["commune"]
    response = client.post(f"/quan-tri/polls/poll/{poll.pk}/change/", data, HTTP_HOST=HOST_A)
    assert response.status_code == 200
    assert PollOption.objects.filter(pk=options[0].pk).exists()
    assert PollVote.objects.filter(poll=poll).count() == 2


def test_the_board_head_deletes_a_poll_with_its_votes(client, commune_a, member_of):
    poll = poll_make(commune_a, votes=[2, 1, 0])
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    url = f"/quan-tri/polls/poll/{poll.pk}/delete/"
    assert client.get(url, HTTP_HOST=HOST_A).status_code == 200
    assert client.post(url, {"post": "yes"}, HTTP_HOST=HOST_A).status_code == 302
    assert not Poll.objects.exists() and not PollVote.objects.exists()


def test_list_shows_question_dates_state_and_total_votes(client, commune_a, member_of):
    now = timezone.now()
    poll_make(commune_a, question="Đang mở?", votes=[1200, 34, 0], closes_at=now + timedelta(days=3))
    poll_make(commune_a, question="Sắp mở?", opens_at=now + timedelta(days=3))
    poll_make(commune_a, question="Đã xong?", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    PollOption.objects.filter(poll__question="Đang mở?", position=0).update(vote_count=1200)
    client.force_login(member_of(commune_a, Membership.Role.EDITOR))
    response = client.get(LIST_URL, HTTP_HOST=HOST_A)
    assert response.status_code == 200
    body = response.content.decode()
    for expected in ["Đang mở?", "Sắp mở?", "Đã xong?", "Đang mở", "Chưa mở", "Đã kết thúc", "1.234", "(GMT+7)"]:
        assert expected in body, expected
    # Sorting by the total works on the annotated column.
    assert client.get(LIST_URL + "?o=4", HTTP_HOST=HOST_A).status_code == 200


def test_an_editor_looks_but_does_not_manage_polls(client, commune_a, member_of):
    poll = poll_make(commune_a)
    client.force_login(member_of(commune_a, Membership.Role.EDITOR))
    assert client.get(f"/quan-tri/polls/poll/{poll.pk}/change/", HTTP_HOST=HOST_A).status_code == 200
    assert client.get(ADD_URL, HTTP_HOST=HOST_A).status_code == 403
    response = client.post(ADD_URL, poll_form(commune_a, ["Có", "Không"]), HTTP_HOST=HOST_A)
    assert response.status_code == 403 and not Poll.objects.exclude(pk=poll.pk).exists()
    assert client.post(f"/quan-tri/polls/poll/{poll.pk}/delete/", {"post": "yes"}, HTTP_HOST=HOST_A).status_code == 403
    assert Poll.objects.filter(pk=poll.pk).exists()


def test_a_board_head_cannot_create_a_poll_for_another_commune(client, commune_a, commune_b, member_of):
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    response = client.post(ADD_URL, poll_form(commune_b, ["Có", "Không"]), HTTP_HOST=HOST_A)
    assert response.status_code == 200  # the commune field offers only commune A
    assert not Poll.objects.exists()


def test_votes_are_not_in_the_admin():
    assert PollVote not in admin.site._registry
    assert PollOption not in admin.site._registry  # edited inline on their poll
