"""CQL date values → UTC half-open intervals, in the calling user's time zone, at minute resolution.

A literal names a span of local time: `2026-03-08` the whole local day, `2026-03-08 10:15` that
local minute. Comparisons then use the span (docs/confluence-api.md §7, §8):

    =  start <= t < end     >  t >= end      >= t >= start
    != not (=)              <  t < start     <= t < end

so `lastmodified >= "2026-03-08 10:15"` includes everything in 10:15:00.000–10:15:59.999 local.

Only the four documented formats are accepted ("yyyy/MM/dd HH:mm", "yyyy-MM-dd HH:mm",
"yyyy/MM/dd", "yyyy-MM-dd"); seconds, ISO `T`/`Z`, offsets and impossible dates raise CqlError,
so a client that sends UTC ISO timestamps fails visibly.

Local times that DST makes nonexistent or ambiguous are resolved like java.time's
`ZonedDateTime.ofLocal` (Confluence is a Java application):
* nonexistent (spring-forward gap, e.g. 02:30 on 2026-03-08 in America/Los_Angeles): moved later by
  the length of the gap → 03:30 PDT (= 10:30 UTC);
* ambiguous (fall-back overlap, e.g. 01:30 on 2026-11-01 in America/Los_Angeles): the earlier
  offset (PDT) → 08:30 UTC. The minute span is one real minute long in both cases.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from emulators.confluence.cql.errors import CqlError

_LITERAL = re.compile(r"^(\d{4})([-/])(\d{2})\2(\d{2})(?: (\d{2}):(\d{2}))?$")
_OFFSET = re.compile(r"^\s*([+-]?)\s*(\d+)\s*([yMwdhm])\s*$")
FUNCTIONS = ("now", "startofday", "startofweek", "startofmonth", "startofyear",
             "endofday", "endofweek", "endofmonth", "endofyear")
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Span:
    """[start, end) in UTC."""

    start: datetime
    end: datetime

    def compare(self, operator: str, value: datetime) -> bool:
        if operator == "=":
            return self.start <= value < self.end
        if operator == "!=":
            return not self.start <= value < self.end
        if operator == ">":
            return value >= self.end
        if operator == ">=":
            return value >= self.start
        if operator == "<":
            return value < self.start
        if operator == "<=":
            return value < self.end
        raise CqlError(f"operator '{operator}' cannot compare dates")


def parse_literal(text: str, zone: ZoneInfo, position: int | None = None) -> Span:
    match = _LITERAL.match(text)
    if not match:
        raise CqlError(
            f"'{text}' is not a valid date; use one of \"yyyy/MM/dd HH:mm\", \"yyyy-MM-dd HH:mm\", "
            f"\"yyyy/MM/dd\", \"yyyy-MM-dd\"", position)
    year, _, month, day, hour, minute = match.groups()
    try:
        local_day = date(int(year), int(month), int(day))
        if hour is None:
            start = _local_to_utc(datetime.combine(local_day, datetime.min.time()), zone)
            end = _local_to_utc(datetime.combine(local_day + timedelta(days=1), datetime.min.time()), zone)
            return Span(start, end)
        local = datetime(local_day.year, local_day.month, local_day.day, int(hour), int(minute))
    except ValueError as exc:
        raise CqlError(f"'{text}' is not a valid date: {exc}", position) from None
    start = _local_to_utc(local, zone)
    return Span(start, start + MINUTE)


def evaluate_function(name: str, args: list[str], now_utc: datetime, zone: ZoneInfo,
                      position: int | None = None) -> Span:
    """now("-4w"), startOfDay(), endOfMonth("+1M") ... as the minute span holding the instant.

    startOf*/endOf* take the boundary of the current local day/week/month/year and then apply the
    offset in local calendar terms (JQL semantics: startOfMonth("+14d") is the 15th). Weeks start on
    Sunday (Confluence's default en_US locale). endOf* is the span of the last minute before the next
    boundary, so `<= endOfDay()` includes all of today and `> endOfDay()` starts tomorrow.
    """
    key = name.lower()
    if len(args) > 1:
        raise CqlError(f"{name}() takes at most one argument", position)
    offset = _parse_offset(args[0], position) if args else None
    local_now = now_utc.astimezone(zone).replace(tzinfo=None)
    if key == "now":
        instant = _local_to_utc(_shift(local_now, offset), zone) if offset else now_utc
        floor = instant.replace(second=0, microsecond=0)
        return Span(floor, floor + MINUTE)
    unit = key.removeprefix("startof").removeprefix("endof")
    boundary = _start_of(unit, local_now)
    if key.startswith("endof"):
        boundary = _next(unit, boundary)
    local = _shift(boundary, offset) if offset else boundary
    instant = _local_to_utc(local, zone)
    if key.startswith("endof"):
        return Span(instant - MINUTE, instant)
    return Span(instant, instant + MINUTE)


def _parse_offset(text: str, position: int | None) -> tuple[int, str]:
    match = _OFFSET.match(text)
    if not match:
        raise CqlError(f"'{text}' is not a valid date offset; use e.g. \"-4w\", \"+1d\", \"-2h\"", position)
    sign, amount, unit = match.groups()
    return (-int(amount) if sign == "-" else int(amount)), unit


def _shift(local: datetime, offset: tuple[int, str] | None) -> datetime:
    if offset is None:
        return local
    amount, unit = offset
    if unit in "yM":
        months = amount * 12 if unit == "y" else amount
        index = local.year * 12 + local.month - 1 + months
        year, month = divmod(index, 12)
        month += 1
        day = min(local.day, _days_in_month(year, month))
        return local.replace(year=year, month=month, day=day)
    seconds = {"w": 604800, "d": 86400, "h": 3600, "m": 60}[unit]
    if unit in "wd":  # calendar days in local time (a DST day is still "one day")
        return local + timedelta(days=amount * seconds // 86400)
    return local + timedelta(seconds=amount * seconds)


def _start_of(unit: str, local: datetime) -> datetime:
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return midnight
    if unit == "week":
        return midnight - timedelta(days=(midnight.weekday() + 1) % 7)  # back to Sunday
    if unit == "month":
        return midnight.replace(day=1)
    if unit == "year":
        return midnight.replace(month=1, day=1)
    raise CqlError(f"unknown date function unit '{unit}'")


def _next(unit: str, start: datetime) -> datetime:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return _shift(start, (1, "M"))
    return start.replace(year=start.year + 1)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Naive local wall time → aware UTC, with the java.time gap/overlap rules (module docstring).

    PEP 495 `fold=0` already matches java.time: in a gap it applies the pre-transition offset (02:30
    PST → 10:30 UTC, which reads back as 03:30 PDT: "later by the gap"), in an overlap it picks the
    earlier instant.
    """
    return local.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
