"""The two safety guards, exactly as protocol §4.5, run after each space's diff.

    submitted ["1", "2"], deleted ["3"], stored 3          → pass (partial deletion)
    submitted [],         deleted ["3"]                     → abort: zero-submission guard
    submitted ["9"],      deleted ["1","2"], stored 2, new ["9"] → warn: legitimate full replacement
    submitted ["1"],      deleted ["1"],     stored 1, new ["1"] → abort: full-deletion guard (key overlap)
    submitted ["c-1"],    deleted ["1"],     stored 1, new ["c-1"] → abort: same item under a new key format

Overlap is judged on canonical item ids, the Confluence ids with any format prefix stripped, as
SharePoint's connector compares item ids with the subsite prefix stripped (protocol §4.5): a key-format
change renames every key, so the raw keys never overlap, but the ids inside them do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Collection

ZERO_SUBMISSION = "zero-submission guard"
FULL_DELETION = "full-deletion guard"


def canonical_item_id(relative_key: str) -> tuple[str, ...]:
    """`123` → ("123",); `confluence-123` → ("123",); `123::att456` → ("123", "456"); `abc` → ("abc",)."""
    return tuple(_trailing_digits(part) or part for part in relative_key.split("::"))


def _trailing_digits(text: str) -> str:
    stripped = text.rstrip("0123456789")
    return text[len(stripped):]


@dataclass(frozen=True)
class GuardDecision:
    space_key: str
    guard: str | None  # None: no guard had anything to say
    action: str  # "pass" | "warn" | "abort"
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


def evaluate_guards(space_key: str, submitted_keys: Collection[str], new_files: Collection[str],
                    deleted_files: Collection[str], count_stored: Callable[[], int]) -> GuardDecision:
    if not deleted_files:
        return GuardDecision(space_key, None, "pass", "no deletions")
    if not submitted_keys:
        return GuardDecision(space_key, ZERO_SUBMISSION, "abort",
                             f"nothing was submitted but the diff would delete {len(deleted_files)} stored items; "
                             "a discovery or authentication problem is likelier than an empty space")
    stored = count_stored()
    if len(deleted_files) != stored:
        return GuardDecision(space_key, None, "pass", f"partial deletion of {len(deleted_files)} of {stored} stored items")
    overlap = bool({canonical_item_id(key) for key in deleted_files} & {canonical_item_id(key) for key in submitted_keys})
    if not new_files or overlap:
        why = "deleted keys equal submitted keys (a key-format change?)" if overlap else "nothing new replaces them"
        return GuardDecision(space_key, FULL_DELETION, "abort",
                             f"the diff would delete all {stored} stored items and {why}")
    return GuardDecision(space_key, FULL_DELETION, "warn",
                         f"legitimate full content replacement: all {stored} stored items go, "
                         f"{len(new_files)} new disjoint items come in")
