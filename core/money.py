"""Rupee amounts as Indians write them: lakh and crore grouping (₹1,00,000)."""

from decimal import Decimal

from django.utils.numberformat import format as number_format


def rupees(amount, *, paise: bool = False) -> str:
    """Return ``amount`` as ``₹1,23,456`` (with ``.50`` when it has paise or ``paise``)."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount)
    places = 2 if paise or value != value.to_integral_value() else 0
    text = number_format(value, ".", decimal_pos=places, grouping=(3, 2, 0),
                         thousand_sep=",", force_grouping=True)
    return f"₹{text}"
