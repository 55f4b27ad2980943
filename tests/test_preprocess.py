"""Cleaning returnee text before coding."""
import pytest

from matching.coding.preprocess import MAX_CHARS, clean
from matching.text import normalise


@pytest.mark.parametrize(
    "text, primary, others",
    [
        ("6 yrs house driver in Riyadh, also car maintenance", "house driver", ("car maintenance",)),
        ("kasambahay sa Riyadh 3 taon", "kasambahay", ()),
        ("ड्राइभर, कतार, ४ वर्ष", "ड्राइभर", ()),
        ("ড্রাইভার ৩ বছর সৌদি", "ড্রাইভার", ()),
        ("ช่างก่อสร้าง 5 ปี", "ช่างก่อสร้าง", ()),
        ("KITCHEN ASSISTANT (Bangi)", "kitchen assistant", ()),
        ("URGENT!!! 🔥 Welder 6G", "welder 6g", ()),
        ("AC tech / duct man 2 years Dubai", "ac tech", ("duct man",)),
    ],
)
def test_durations_places_noise_and_jobs(text, primary, others):
    cleaned = clean(text)
    assert cleaned.primary == primary
    assert cleaned.others == others


def test_long_text_is_truncated_and_flagged():
    cleaned = clean("mason " * 1000)
    assert cleaned.truncated and len(cleaned.original) > MAX_CHARS
    assert cleaned.primary.startswith("mason")


def test_nothing_but_noise_still_gives_something():
    assert clean("(Fresh Graduate)").primary
    assert clean("🔥🔥").primary == ""


def test_normalise_drops_zero_width_joiners():
    assert normalise("ඩ්\u200dරයිවර්") == normalise("ඩ්රයිවර්")
    assert normalise("Driver, truck: HEAVY") == "driver truck heavy"


@pytest.mark.parametrize(
    "text, primary",
    [
        ("Marketing Executive", "marketing officer"),
        ("HR EXECUTIVE (1 year contract)", "hr officer"),
        ("Customer Service Executive in Penang", "customer service officer"),
        ("Account Exec.", "account officer"),
        # the taxonomy's own meanings stay
        ("Chief Executive", "chief executive"),
        ("Executive Chef", "executive chef"),
        ("executive secretary", "executive secretary"),
        ("executive housekeeper, hotel", "executive housekeeper"),
    ],
)
def test_regional_executive_is_an_officer_level_title(text, primary):
    assert clean(text).primary == primary

