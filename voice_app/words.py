"""Words for people: every stored code a member of staff may see (an enum member, a statement's parts) as words.

Enums that carry their own `.label` keep it there; the others are named here, so a template never shows a raw
value such as "wrong" or "views,menu". tests/test_words.py walks every enum in voice_app.models, so a new value
without words fails the suite instead of reaching a page. A foundation module: it imports models only.
"""

from __future__ import annotations

import enum

from voice_app.models import (
    DecisionOutcome,
    FlowVersion,
    GivenVia,
    MessageKind,
    OutboxStatus,
    PhoneEnd,
    ResponseSource,
    ReviewStatus,
    Safety,
    SecondFactorRule,
    SecretKind,
    Sharing,
    StatementEnd,
)

# Staff read these (English, like the rest of the staff pages); the child's own phone names them in its language.
_LISTED: tuple[tuple[enum.Enum, str], ...] = (
    (MessageKind.FEELING, "How they feel"),
    (MessageKind.GOOD, "Something good happened"),
    (MessageKind.WRONG, "Something is wrong"),
    (MessageKind.TALK, "Wants to talk to their IRO"),
    (MessageKind.MEETING, "About their next meeting"),
    (Safety.SAFE, "Safe"),
    (Safety.NOT_SURE, "Not sure if safe"),
    (Safety.NOT_SAFE, "Not safe"),
    (ReviewStatus.SCHEDULED, "Booked"),
    (ReviewStatus.HELD, "Held"),
    (ReviewStatus.CANCELLED, "Cancelled"),
    (Sharing.MEETING, "Their review meeting"),
    (Sharing.IRO_ONLY, "Only their IRO"),
    (DecisionOutcome.AGREED, "Agreed"),
    (DecisionOutcome.NOT_POSSIBLE, "Not possible"),
    (FlowVersion.YOUNGER, "Younger children's questions"),
    (FlowVersion.OLDER, "Older children's questions"),
    (FlowVersion.MAT, "Sorting mats"),
    (GivenVia.IRO_TABLET, "On the IRO's tablet at a visit"),
    (GivenVia.OWN_PHONE, "On their own phone"),
    (GivenVia.PRACTITIONER, "With a practitioner, for a conference"),
    (OutboxStatus.PENDING, "Waiting to be sent"),
    (OutboxStatus.SENT, "Sent"),
    (OutboxStatus.GAVE_UP, "Could not be sent"),
    (PhoneEnd.CHILD, "Switched off by the child"),
    (PhoneEnd.REVOKED, "Switched off by staff"),
    (PhoneEnd.LEFT_CARE, "The child left care"),
    (PhoneEnd.UNUSED, "Not used for a long time"),
    (ResponseSource.ONLINE, "Online"),
    (ResponseSource.PAPER, "On paper"),
    (SecondFactorRule.OPTIONAL, "Nobody has to use one"),
    (SecondFactorRule.MANAGERS_AND_ADMINS, "Managers and admins"),
    (SecondFactorRule.EVERYONE, "Everyone"),
    (SecretKind.PICTURES, "Three pictures"),
    (SecretKind.PIN, "A number (PIN)"),
    (StatementEnd.FINISHED, "Finished"),
    (StatementEnd.STOPPED, "Stopped early"),
)
# Pairs, keyed by (enum, value): str enums with the same value ("meeting") are equal dictionary keys across enums.
_NAMES = {(type(member), member.value): name for member, name in _LISTED}

PART_NAMES = {
    "after": "how the last meeting went",
    "views": "what the child thinks",
    "explain": "what happens at the meeting",
    "menu": "how they want their meeting",
}


def words(member: enum.Enum | None) -> str:
    """The words a person reads for this code: its own label, or the name given here ("" for nothing)."""
    if member is None:
        return ""
    if (type(member), member.value) in _NAMES:
        return _NAMES[(type(member), member.value)]
    label = getattr(member, "label", None)
    if isinstance(label, str) and label:
        return label
    raise KeyError(f"No words for {type(member).__name__}.{member.name}: add them to voice_app/words.py")


def part_names(parts: str) -> str:
    """A statement's parts ("views,menu") as words ("what the child thinks, how they want their meeting")."""
    return ", ".join(PART_NAMES.get(part.strip(), part.strip()) for part in parts.split(",") if part.strip())
