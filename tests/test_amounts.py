import pytest

from billcode.amounts import AmountError, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [("$1,234.50", "USD", 1234.5), ("1234.5", "USD", 1234.5), (" 2,100 ", "USD", 2100.0), ("-$15", "USD", -15.0),
     ("($15.00)", "USD", -15.0), ("20%", "percent", 20.0), ("9 months", "months", 9.0), (7, "count", 7.0), (".5", "count", 0.5)],
)
def test_parse_amount_accepts_what_learners_type(text, unit, value):
    assert parse_amount(text, unit) == value


@pytest.mark.parametrize(
    ("text", "unit", "hint"),
    [("", "USD", "Type a number"), ("abc", "USD", r"like \$1,234\.50"), ("12,34", "USD", "not a number"),
     ("$20", "count", "not in dollars"), ("20%", "USD", "not a percentage"), (True, "count", "not True or False"),
     ("1.2.3", "count", "not a number"), ("nan", "count", "not a number")],
)
def test_parse_amount_rejects_with_a_hint(text, unit, hint):
    with pytest.raises(AmountError, match=hint):
        parse_amount(text, unit)


def test_format_amount():
    assert format_amount(1234.5, "USD") == "$1,234.50"
    assert format_amount(-3, "USD") == "-$3.00"
    assert format_amount(20, "percent") == "20%"
    assert format_amount(9, "months") == "9 months"
