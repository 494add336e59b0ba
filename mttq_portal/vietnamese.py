"""Vietnamese text and number conventions, in one place.

Slugs keep every letter ("Đảng bộ" -> "dang-bo": plain slugify drops "đ" because it has no
Unicode decomposition); times are shown in GMT+7 as dd/mm/yyyy HH:MM; numbers use "." for
thousands and "," for decimals (1.234.567; 98,8%).
"""
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
import re
import unicodedata
import zoneinfo

VN_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def fold_vietnamese(text):
    """Lower-case text without diacritics: "Mặt trận Tổ quốc" -> "mat tran to quoc".

    Used for slugs and for accent-insensitive search on the embedded database.
    """
    text = (text or "").translate(_D_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def slugify_vi(text, max_length=200):
    """A URL slug that keeps every Vietnamese letter as its base letter."""
    folded = fold_vietnamese(text)
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if max_length and len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug


def localtime_vn(value):
    """A datetime in GMT+7; naive datetimes are taken to be UTC (Django stores UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
    return value.astimezone(VN_TZ)


def format_datetime_vn(value, with_zone=True):
    """"23/02/2021 10:15 (GMT+7)" — the only way a time is shown to readers."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    text = localtime_vn(value).strftime("%d/%m/%Y %H:%M")
    return f"{text} (GMT+7)" if with_zone else text


def format_date_vn(value):
    """"23/02/2021"; a datetime is first moved to GMT+7 so the day is the Vietnamese day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = localtime_vn(value)
    return value.strftime("%d/%m/%Y")


def _group_thousands(digits):
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ".".join(groups)


def format_number_vn(value, decimals=None):
    """1234567 -> "1.234.567"; Decimal("1234.5") -> "1.234,5"; -3 -> "-3".

    ``decimals`` fixes the number of decimal places (rounded half up); by default an
    integer prints none and a decimal keeps its own significant places.
    """
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if decimals is not None:
        quantum = Decimal(1).scaleb(-decimals)
        number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, fraction = text.partition(".")
    result = sign + _group_thousands(whole)
    if fraction:
        result += "," + fraction
    return result


def format_percent_vn(value, decimals=1):
    """98.8 -> "98,8%"; 100 -> "100%"; 0 -> "0%". Trailing ",0" is dropped."""
    if value is None or value == "":
        return ""
    text = format_number_vn(value, decimals=decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}%"
