import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from jiaoliuba.accounts.models import User
from jiaoliuba.core import crypto
from jiaoliuba.core.errors import ValidationFailed
from jiaoliuba.core.masking import mask_id_number, mask_name, mask_phone
from jiaoliuba.core.validators import id_number_check_digit, normalize_id_number, normalize_mobile


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"


def test_mask_id_number_keeps_region_and_last_four():
    assert mask_id_number("41170219900307123X") == "411702********123X"


def test_mask_name():
    assert mask_name("张秀兰") == "张**"
    assert mask_name("欧阳娜娜") == "欧阳**"


@pytest.mark.parametrize(
    "raw", ["13812345678", "138 1234 5678", "+86 138-1234-5678", "008613812345678", "8613812345678"]
)
def test_normalize_mobile_accepts_common_spellings(raw):
    assert normalize_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw", ["", "12812345678", "1381234567", "138123456789", "abc", "23812345678"]
)
def test_normalize_mobile_rejects(raw):
    with pytest.raises(ValidationFailed) as exc:
        normalize_mobile(raw)
    assert exc.value.code == "invalid_phone"


def _valid_id(first17: str) -> str:
    return first17 + id_number_check_digit(first17)


def test_id_number_check_digit_known_example():
    # GB 11643 worked example: 11010519491231002 → X
    assert id_number_check_digit("11010519491231002") == "X"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


def test_id_number_rejects_wrong_check_digit_bad_date_and_region():
    good = _valid_id("41170219900307123")
    assert normalize_id_number(good) == good
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    for bad in [
        wrong,
        _valid_id("41170219900230123"),
        _valid_id("99170219900307123"),
        "4117021990030712",
        "abc",
    ]:
        with pytest.raises(ValidationFailed):
            normalize_id_number(bad)


@given(st.from_regex(r"41170219[5-9]\d0[1-9]0[1-9]\d{3}", fullmatch=True))
def test_any_single_digit_change_breaks_the_check(first17):
    value = _valid_id(first17)
    assert normalize_id_number(value) == value
    for pos in range(17):
        digit = str((int(value[pos]) + 1) % 10)
        mutated = value[:pos] + digit + value[pos + 1 :]
        try:
            normalize_id_number(mutated)
        except ValidationFailed:
            continue
        raise AssertionError(f"{mutated} passed")


def test_encrypt_round_trip_and_randomised():
    token1, token2 = crypto.encrypt("13812345678"), crypto.encrypt("13812345678")
    assert token1 != token2
    assert crypto.decrypt(token1) == "13812345678"


def test_lookup_hash_is_keyed_and_purpose_bound(settings):
    h = crypto.lookup_hash("13812345678", purpose="phone")
    assert h == crypto.lookup_hash("13812345678", purpose="phone")
    assert h != crypto.lookup_hash("13812345678", purpose="id_number")
    settings.FIELD_HASH_KEY = "another-key"
    assert h != crypto.lookup_hash("13812345678", purpose="phone")


def test_key_rotation_reads_old_values(settings):
    old_key = settings.FIELD_ENCRYPTION_KEY
    token = crypto.encrypt("old secret")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = f"{new_key},{old_key}"
    assert crypto.decrypt(token) == "old secret"
    settings.FIELD_ENCRYPTION_KEY = new_key
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)


@pytest.mark.django_db
def test_phone_is_encrypted_at_rest():
    user = User.objects.create_user(phone="13812345678", phone_hash="x")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert "13812345678" not in stored
    assert User.objects.get(pk=user.pk).phone == "13812345678"


@pytest.mark.django_db
def test_encrypted_field_refuses_filtering():
    with pytest.raises(FieldError):
        list(User.objects.filter(phone="13812345678"))
