"""The tuition explorer and the accessible slider: typed values are checked in Python with friendly messages."""

import math

import pytest

from billcode.careers.tuition import budget_fit, fit_table, tuition_explorer, tuition_ranges
from billcode.slider import AccessibleSlider


def test_tuition_ranges_are_the_articles_claims():
    ranges = tuition_ranges().set_index("program")
    assert ranges.loc["Billing program", ["low", "high"]].tolist() == [1200, 3000]
    assert ranges.loc["Coding program", ["low", "high"]].tolist() == [2000, 5000]
    assert math.isnan(ranges.loc["Online self-paced course", "high"])
    assert set(ranges["status"]) == {"untraced"}


@pytest.mark.parametrize(
    ("budget", "low", "high", "says"),
    [(3000, 1200, 3000, "Covers the whole range"), (1000, 1200, 3000, "Short by $200.00 at the low end"),
     (2000, 1200, 3000, "short by $1,000.00 at the top"), (2000, 1600, math.nan, "no top of the range"),
     (0, 1600, math.nan, "Short by $1,600.00")],
)
def test_budget_fit(budget, low, high, says):
    assert says in budget_fit(budget, low, high)


def test_negative_budget_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        budget_fit(-1, 1200, 3000)


def test_explorer_updates_and_keeps_value_on_bad_input():
    explorer = tuition_explorer(budget=3000)
    assert "A budget of $3,000.00" in explorer.table.value
    assert "Covers the whole range" in explorer.table.value
    message = explorer.slider.type_value("-500")
    assert "cannot be negative" in message and explorer.slider.value == 3000
    assert "A budget of $3,000.00" in explorer.table.value
    assert "not a number" in explorer.slider.type_value("lots")
    assert explorer.slider.type_value("$4,000") == "" and explorer.slider.value == 4000
    assert "A budget of $4,000.00" in explorer.table.value
    assert "outside this slider's range" in explorer.slider.type_value("99999")
    explorer.slider.value = 5000  # moving the slider clears an old message
    assert explorer.slider.message == "" and explorer.slider.value_text == "$5,000.00"


def test_slider_needs_a_name_and_clamps():
    with pytest.raises(ValueError, match="accessible name"):
        AccessibleSlider("", min=0, max=10, value=1)
    slider = AccessibleSlider("Months", min=0, max=24, value=6, unit="months")
    slider.value = 99
    assert slider.value == 24 and slider.value_text == "24 months"


def test_fit_table_has_one_row_per_tuition_claim():
    assert len(fit_table(2500)) == len(tuition_ranges()) >= 5
