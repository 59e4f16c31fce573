"""Date literals and functions: user's time zone, minute resolution, DST (confluence-api.md §7, §8)."""

from datetime import datetime, timedelta, timezone

import pytest

from emulators.confluence.cql import CqlError, parse
from emulators.confluence.cql.dates import evaluate_function, parse_literal
from unit_tests.emulator.cql_fakes import an_item, ids, utc
from zoneinfo import ZoneInfo

LA = ZoneInfo("America/Los_Angeles")


def modified_at(*stamps: datetime) -> list[dict]:
    return [an_item(str(i + 1), lastmodified=stamp) for i, stamp in enumerate(stamps)]


@pytest.mark.parametrize("literal", ["2026/09/30 08:15", "2026-09-30 08:15", "'2026-09-30 08:15'"])
def test_given_each_minute_format_when_searching_then_the_literal_is_read_in_the_user_zone(literal):
    """08:15 in Los Angeles (PDT, UTC-7) is 15:15 UTC."""
    items = modified_at(utc(2026, 9, 30, 15, 14, 59), utc(2026, 9, 30, 15, 15), utc(2026, 9, 30, 15, 16))
    cql = f'lastmodified >= "{literal.strip(chr(39))}"'
    assert ids(cql, items, tz="America/Los_Angeles") == ["2", "3"]


@pytest.mark.parametrize("literal", ["2026/09/30", "2026-09-30"])
def test_given_a_date_only_literal_when_compared_then_it_spans_the_whole_local_day(literal):
    items = modified_at(utc(2026, 9, 30, 6, 59), utc(2026, 9, 30, 7, 0), utc(2026, 10, 1, 6, 59), utc(2026, 10, 1, 7, 0))
    assert ids(f"lastmodified = {literal}", items, tz="America/Los_Angeles") == ["2", "3"]
    assert ids(f"lastmodified > {literal}", items, tz="America/Los_Angeles") == ["4"]
    assert ids(f"lastmodified < {literal}", items, tz="America/Los_Angeles") == ["1"]


def test_given_greater_or_equal_a_minute_when_items_fall_inside_it_then_the_whole_minute_is_included():
    items = modified_at(utc(2026, 9, 30, 10, 4, 59, 999000), utc(2026, 9, 30, 10, 5), utc(2026, 9, 30, 10, 5, 59, 999000),
                        utc(2026, 9, 30, 10, 6))
    assert ids('lastmodified >= "2026-09-30 10:05"', items) == ["2", "3", "4"]
    assert ids('lastmodified > "2026-09-30 10:05"', items) == ["4"]
    assert ids('lastmodified = "2026-09-30 10:05"', items) == ["2", "3"]
    assert ids('lastmodified != "2026-09-30 10:05"', items) == ["1", "4"]
    assert ids('lastmodified < "2026-09-30 10:05"', items) == ["1"]
    assert ids('lastmodified <= "2026-09-30 10:05"', items) == ["1", "2", "3"]


@pytest.mark.parametrize("zone, utc_hour, utc_day", [
    ("Pacific/Kiritimati", 22, 29),   # UTC+14: 12:00 local on the 30th is 22:00 UTC on the 29th
    ("Pacific/Pago_Pago", 23, 30),    # UTC-11: 12:00 local is 23:00 UTC the same day
    ("UTC", 12, 30),
    ("Asia/Kathmandu", 6, 30),        # UTC+5:45 → 06:15 UTC
])
def test_given_zones_far_from_utc_when_a_literal_is_read_then_it_maps_to_the_right_instant(zone, utc_hour, utc_day):
    span = parse_literal("2026-09-30 12:00", ZoneInfo(zone))
    expected_minute = 15 if zone == "Asia/Kathmandu" else 0
    assert span.start == utc(2026, 9, utc_day, utc_hour, expected_minute)
    assert span.end - span.start == timedelta(minutes=1)


def test_given_kiritimati_when_a_utc_cursor_date_is_sent_unconverted_then_recent_items_are_missed():
    """The bug the emulator exists to expose: a UTC date sent as-is is 14 h off in UTC+14."""
    items = modified_at(utc(2026, 9, 30, 12, 30))
    assert ids('lastmodified >= "2026-09-30 12:00"', items, tz="UTC") == ["1"]
    assert ids('lastmodified >= "2026-09-30 12:00"', items, tz="Pacific/Kiritimati") == ["1"]
    assert ids('lastmodified >= "2026-10-01 02:00"', items, tz="Pacific/Kiritimati") == ["1"]
    assert ids('lastmodified >= "2026-10-01 02:31"', items, tz="Pacific/Kiritimati") == []
    assert ids('lastmodified >= "2026-09-30 12:00"', items, tz="Pacific/Pago_Pago") == []
    assert ids('lastmodified >= "2026-09-30 01:30"', items, tz="Pacific/Pago_Pago") == ["1"]


def test_given_spring_forward_when_a_nonexistent_local_time_is_used_then_it_moves_later_by_the_gap():
    """2026-03-08 02:30 does not exist in Los Angeles; java.time reads it as 03:30 PDT = 10:30 UTC."""
    span = parse_literal("2026-03-08 02:30", LA)
    assert span.start == utc(2026, 3, 8, 10, 30)
    assert span.end == utc(2026, 3, 8, 10, 31)
    assert parse_literal("2026-03-08 03:30", LA).start == utc(2026, 3, 8, 10, 30)
    assert parse_literal("2026-03-08 01:59", LA).start == utc(2026, 3, 8, 9, 59)


def test_given_fall_back_when_an_ambiguous_local_time_is_used_then_the_earlier_offset_wins():
    """2026-11-01 01:30 happens twice in Los Angeles; the first (PDT, UTC-7) is chosen."""
    span = parse_literal("2026-11-01 01:30", LA)
    assert span.start == utc(2026, 11, 1, 8, 30)
    items = modified_at(utc(2026, 11, 1, 8, 30), utc(2026, 11, 1, 9, 30))  # 01:30 PDT and 01:30 PST
    assert ids('lastmodified = "2026-11-01 01:30"', items, tz="America/Los_Angeles") == ["1"]
    assert ids('lastmodified >= "2026-11-01 01:30"', items, tz="America/Los_Angeles") == ["1", "2"]


def test_given_dst_days_when_date_only_literals_are_used_then_days_are_23_and_25_hours_long():
    spring, fall = parse_literal("2026-03-08", LA), parse_literal("2026-11-01", LA)
    assert spring.end - spring.start == timedelta(hours=23)
    assert fall.end - fall.start == timedelta(hours=25)


@pytest.mark.parametrize("literal", [
    "2026-09-30T10:00", "2026-09-30T10:00:00Z", "2026-09-30 10:00:00", "2026-09-30 10:00Z", "2026/9/30",
    "2026-02-30", "2026-13-01", "2026-09-30 24:00", "2026-09-30 10:60", "2026/09-30", "30-09-2026",
    "2026-09-30 10:00 +0200", "1727690400000", "yesterday",
])
def test_given_a_date_outside_the_four_formats_when_parsed_then_it_is_rejected(literal):
    with pytest.raises(CqlError):
        parse(f'lastmodified >= "{literal}"')


def test_given_an_unquoted_date_with_a_time_when_parsed_then_it_is_rejected():
    with pytest.raises(CqlError):
        parse("lastmodified >= 2026-09-30 10:00")


def test_given_leap_day_when_the_year_has_one_then_it_is_accepted():
    parse("created = 2028-02-29")
    with pytest.raises(CqlError, match="not a valid date"):
        parse("created = 2027-02-29")


# ── functions, relative to the emulated clock (2026-10-01T12:00Z = Thu 05:00 in Los Angeles) ──
NOW = utc(2026, 10, 1, 12, 0, 30)


@pytest.mark.parametrize("call, start", [
    ('now()', utc(2026, 10, 1, 12, 0)),
    ('now("-4w")', utc(2026, 9, 3, 12, 0)),
    ('now("-1d")', utc(2026, 9, 30, 12, 0)),
    ('now("+2h")', utc(2026, 10, 1, 14, 0)),
    ('now("-90m")', utc(2026, 10, 1, 10, 30)),
    ('startOfDay()', utc(2026, 10, 1, 7, 0)),          # local midnight PDT
    ('startOfDay("-1d")', utc(2026, 9, 30, 7, 0)),
    ('startOfWeek()', utc(2026, 9, 27, 7, 0)),         # Sunday 2026-09-27
    ('startOfMonth()', utc(2026, 10, 1, 7, 0)),
    ('startOfMonth("-1M")', utc(2026, 9, 1, 7, 0)),
    ('startOfYear()', utc(2026, 1, 1, 8, 0)),           # PST in January
    ('endOfDay()', utc(2026, 10, 2, 6, 59)),
    ('endOfWeek()', utc(2026, 10, 4, 6, 59)),
    ('endOfMonth()', utc(2026, 11, 1, 6, 59)),
    ('endOfYear()', utc(2027, 1, 1, 7, 59)),
])
def test_given_date_functions_when_evaluated_then_they_are_relative_to_the_clock_in_the_user_zone(call, start):
    name, _, rest = call.partition("(")
    args = [rest.strip(')"')] if rest.strip(')') else []
    assert evaluate_function(name, args, NOW, LA).start == start


def test_given_end_of_day_when_compared_then_the_whole_day_is_included_and_tomorrow_is_not():
    items = modified_at(utc(2026, 10, 2, 6, 59, 59), utc(2026, 10, 2, 7, 0))
    assert ids("lastmodified <= endOfDay()", items, tz="America/Los_Angeles", now=NOW) == ["1"]
    assert ids("lastmodified > endOfDay()", items, tz="America/Los_Angeles", now=NOW) == ["2"]


def test_given_now_with_an_offset_when_searching_then_items_newer_than_it_match():
    items = modified_at(NOW - timedelta(weeks=5), NOW - timedelta(weeks=3))
    assert ids('lastmodified >= now("-4w")', items, now=NOW) == ["2"]
    assert ids('created < now("-4w")', items, now=NOW) == []  # created defaults to the fake's NOW


def test_given_kiritimati_when_start_of_day_is_evaluated_then_it_is_the_local_midnight():
    """2026-10-01T12:00Z is already 02:00 on Oct 2nd in UTC+14."""
    span = evaluate_function("startOfDay", [], NOW, ZoneInfo("Pacific/Kiritimati"))
    assert span.start == utc(2026, 10, 1, 10, 0)


@pytest.mark.parametrize("cql", ['created > now("4 weeks")', 'created > now("-4x")', 'created > startOfDay("-1", "x")'])
def test_given_a_bad_function_offset_when_parsed_then_it_is_rejected(cql):
    with pytest.raises(CqlError):
        parse(cql)
