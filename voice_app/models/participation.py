"""How a child took part in a review, why a review was late, and what a visit was for: the words the law counts by."""

from __future__ import annotations

import enum


class Participation(str, enum.Enum):
    """The SSDA903 participation codes (cared-for reviews); conferences record the same words without the code."""

    PN0 = "PN0"
    PN1 = "PN1"
    PN2 = "PN2"
    PN3 = "PN3"
    PN4 = "PN4"
    PN5 = "PN5"
    PN6 = "PN6"
    PN7 = "PN7"

    @property
    def words(self) -> str:
        return PARTICIPATION_WORDS[self]

    @property
    def label(self) -> str:
        """The code and its words, as a cared-for review records it."""
        return f"{self.value}: {self.words}"

    @property
    def attended(self) -> bool | None:
        """Whether the child came to the meeting (None for a child under 4, PN0)."""
        return None if self is Participation.PN0 else self in ATTENDED


PARTICIPATION_WORDS = {
    Participation.PN0: "The child was under 4 on the day of the review",
    Participation.PN1: "The child came and spoke for themselves",
    Participation.PN2: "The child came and an advocate or the IRO spoke for them",
    Participation.PN3: "The child came and shared their views without words (symbols, signs, objects)",
    Participation.PN4: "The child came but did not share their views",
    Participation.PN5: "The child did not come, but told an advocate or the IRO their views beforehand",
    Participation.PN6: "The child did not come, but sent their views another way (written, text, audio, video, or a tool like this one)",
    Participation.PN7: "The child did not come and their views were not shared",
}
ATTENDED = frozenset({Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN4})
# The DfE counts a cared-for review as one the child participated in for these codes, over children aged 4 and over.
DFE_PARTICIPATED = frozenset({Participation.PN1, Participation.PN2, Participation.PN3, Participation.PN4, Participation.PN5, Participation.PN6})


class LateReason(str, enum.Enum):
    """Why a review or conference was held after its due date (the seeds' reasons tables, plus other)."""

    LATE_NOTIFICATION = "late_notification"
    ADMINISTRATION_ERROR = "administration_error"
    MISSING_INFORMATION = "missing_information"
    SIGNIFICANT_PERSON_ABSENT = "significant_person_absent"
    PROFESSIONAL_ABSENT = "professional_absent"
    EXTENSION_AGREED = "extension_agreed"
    AGENCY_UNAVAILABLE = "agency_unavailable"
    QUORACY = "quoracy"
    OTHER = "other"

    @property
    def label(self) -> str:
        return LATE_REASON_LABELS[self]


LATE_REASON_LABELS = {
    LateReason.LATE_NOTIFICATION: "Late notification",
    LateReason.ADMINISTRATION_ERROR: "Administration error",
    LateReason.MISSING_INFORMATION: "Missing information or reports",
    LateReason.SIGNIFICANT_PERSON_ABSENT: "Non-attendance by a significant person",
    LateReason.PROFESSIONAL_ABSENT: "Non-attendance by another professional",
    LateReason.EXTENSION_AGREED: "Extension agreed by professionals",
    LateReason.AGENCY_UNAVAILABLE: "External professional or agency unavailable",
    LateReason.QUORACY: "Quoracy (not enough agencies to go ahead)",
    LateReason.OTHER: "Other",
}


class VisitPurpose(str, enum.Enum):
    """A visit before a review to hear the child, or a mid-way visit between reviews (IRO Handbook)."""

    PRE_REVIEW = "pre_review"
    MID_WAY = "mid_way"
    # A practitioner invited for a conference heard the child (voice_app/practitioners): not an IRO's visit.
    PRACTITIONER = "practitioner"
    # The child gave their views on their own phone before the meeting (voice_app/phone/meeting.py): no one visited.
    OWN_PHONE = "own_phone"

    @property
    def label(self) -> str:
        return {
            "pre_review": "Pre-review visit",
            "mid_way": "Mid-way visit",
            "practitioner": "Views gathered by a practitioner",
            "own_phone": "Views given on their own phone",
        }[self.value]

    @property
    def by_iro(self) -> bool:
        """Whether an IRO visited the child (a practitioner's views or the child's own phone are not a visit)."""
        return self not in (VisitPurpose.PRACTITIONER, VisitPurpose.OWN_PHONE)
