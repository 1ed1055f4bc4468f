import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from learning.accounts.phone import mask_phone, normalise_phone
from learning.models import User


@pytest.mark.parametrize(
    "raw",
    [
        "13800000001",
        "+86 138 0000 0001",
        "138-0000-0001",
        "8613800000001",
        "0086 13800000001",
        " 138 0000 0001 ",
        # Chinese input methods in full-width mode type these.
        "１３８０００００００１",
        "＋８６ １３８ ００００ ０００１",
        "138－0000－0001",
        "138\u30000000\u30000001",
        "138—0000—0001",
        "(+86)138.0000.0001",
        # Invisible marks pasted with a number from a chat or a web page.
        "\u200f13800000001",
        "\u202a13800000001\u202c",
        "138\u200b0000\u200b0001",
        "\ufeff13800000001",
    ],
)
def test_spellings_of_one_number_normalise_to_eleven_digits(raw):
    assert normalise_phone(raw) == "13800000001"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12800000001",
        "1380000001",
        "138000000012",
        "abc",
        "+1 415 555 0100",
        "1380000\x000001",
        "13800000001\x00",
        # Other scripts' digits are not what a Chinese phone keypad types.
        "١٣٨٠٠٠٠٠٠٠١",
        None,
    ],
)
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalise_phone(raw)


def test_mask_hides_the_middle_four_digits():
    assert mask_phone("13800000001") == "138****0001"


def test_the_same_person_cannot_register_twice_with_another_spelling(db):
    User.objects.create_user(phone="+86 138 0000 0001", name="甲", password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(phone="138-0000-0001", name="乙", password="x")
    assert User.objects.get().phone == "13800000001"


def test_log_in_works_with_any_spelling_of_the_number(client, learner):
    from tests.conftest import PASSWORD

    spaced = f"+86 {learner.phone[:3]} {learner.phone[3:7]} {learner.phone[7:]}"
    assert client.login(username=spaced, password=PASSWORD)
