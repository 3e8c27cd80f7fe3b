"""The figures a service returns: participation by PN code and as the DfE counts it, reviews held in timescale, visits.

Counted from `Counts.timeliness`, keyed (kind, stage, participation, timing, late_reason) for every
review held in the period, and `Counts.visit_checks`, keyed (purpose, seen_alone) for every visit held.
"""

from __future__ import annotations

from voice_app.models import DFE_PARTICIPATED, LateReason, Participation, ReviewKind, ReviewStage
from voice_app.reports.figures import rows_for, total
from voice_app.reports.model import Figure, Row
from voice_app.reports.queries import Counts

SECTION = "Participation and timeliness as returned to the DfE"
NOT_RECORDED = "not_recorded"
# The groups the seeds' timeliness tables use (and the child-in-need census counts initial conferences apart).
TIMELINESS_GROUPS = (
    ("cared_for", "Cared-for reviews", lambda kind, stage: kind == ReviewKind.CARED_FOR.value),
    ("initial_conference", "Initial conferences", lambda kind, stage: stage == ReviewStage.INITIAL_CONFERENCE.value),
    ("review_conference", "Review conferences", lambda kind, stage: stage == ReviewStage.REVIEW_CONFERENCE.value),
    ("transfer_in", "Transfer-in conferences", lambda kind, stage: stage == ReviewStage.TRANSFER_IN.value),
)


def _cared_for(c: Counts, match=lambda key: True) -> int:
    return total(c.timeliness, lambda k: k[0] == ReviewKind.CARED_FOR.value and match(k))


def participation_codes_figure(now: Counts, before: Counts) -> Figure:
    """Cared-for reviews held, by participation code (PN0 to PN7), and those without one."""
    held = lambda c: _cared_for(c)  # noqa: E731
    codes = [(code.value, code.label) for code in Participation] + [(NOT_RECORDED, "Not recorded (reviews recorded before codes were asked for)")]
    rows = rows_for(
        codes,
        now,
        before,
        lambda c, key: _cared_for(c, lambda k: k[2] == (None if key == NOT_RECORDED else key)),
        base=held,
        group="code",
    )
    rows += rows_for([("held", "Cared-for reviews held")], now, before, lambda c, _k: held(c), total_row=True)
    return Figure(
        "participation-codes",
        SECTION,
        "Cared-for reviews by participation code",
        "Cared-for reviews held in the period, by the code the IRO recorded (the SSDA903 return's). "
        "A review recorded before codes were asked for is \u201cnot recorded\u201d: no code is guessed.",
        rows,
        child_level=True,
        share_of="of cared-for reviews held",
    )


def dfe_participation_figure(now: Counts, before: Counts) -> Figure:
    """The DfE's measure: cared-for reviews of children aged 4 and over (PN1 to PN7) where the child participated (PN1 to PN6)."""
    aged_four = lambda c: _cared_for(c, lambda k: k[2] is not None and k[2] != Participation.PN0.value)  # noqa: E731
    participated = {code.value for code in DFE_PARTICIPATED}
    rows = rows_for([("aged_4_and_over", "Reviews of children aged 4 and over (PN1 to PN7)")], now, before, lambda c, _k: aged_four(c), total_row=True)
    rows += rows_for(
        [("participated", "The child participated (PN1 to PN6)")],
        now,
        before,
        lambda c, _k: _cared_for(c, lambda k: k[2] in participated),
        base=aged_four,
        total_row=True,
    )
    rows += rows_for(
        [("not_recorded", "Reviews with no code recorded (left out above)")], now, before, lambda c, _k: _cared_for(c, lambda k: k[2] is None), total_row=True
    )
    return Figure(
        "participation-dfe",
        SECTION,
        "Cared-for reviews in which the child participated, as the DfE counts it",
        "Of cared-for reviews held in the period for children aged 4 and over (codes PN1 to PN7), the share "
        "where the child participated (PN1 to PN6). Reviews of children under 4 (PN0) and reviews with no "
        "code are left out.",
        rows,
        share_of="of reviews of children aged 4 and over",
    )


def timeliness_figure(now: Counts, before: Counts) -> Figure:
    """Reviews and conferences held in timescale, each kind apart."""
    rows: list[Row] = []
    for group, label, matches in TIMELINESS_GROUPS:
        held = lambda c, m=matches: total(c.timeliness, lambda k: m(k[0], k[1]))  # noqa: E731
        timed = lambda c, m=matches: total(c.timeliness, lambda k: m(k[0], k[1]) and k[3] != "unknown")  # noqa: E731
        rows += rows_for([(f"{group}_held", f"{label} held")], now, before, lambda c, _k, h=held: h(c), total_row=True)
        rows += rows_for(
            [(f"{group}_in_time", f"{label} held in timescale"), (f"{group}_late", f"{label} held late")],
            now,
            before,
            lambda c, key, m=matches: total(c.timeliness, lambda k: m(k[0], k[1]) and key.endswith("_" + k[3])),
            base=timed,
            total_row=True,
        )
        rows += rows_for(
            [(f"{group}_unknown", f"{label} with no due date (recorded before due dates were kept, or no strategy discussion date)")],
            now,
            before,
            lambda c, _k, m=matches: total(c.timeliness, lambda k: m(k[0], k[1]) and k[3] == "unknown"),
            total_row=True,
        )
    return Figure(
        "timeliness",
        SECTION,
        "Reviews and conferences held in timescale",
        "Held in the period, on or before the due date the law gives for its episode (docs/reviews.md). The "
        "shares are of those with a due date; ones without are counted apart, never guessed.",
        rows,
        share_of="of those held with a due date",
    )


def late_reasons_figure(now: Counts, before: Counts) -> Figure:
    """Why reviews and conferences were held late, each kind apart (the seeds' reasons tables)."""
    rows: list[Row] = []
    for group, label, matches in TIMELINESS_GROUPS:
        late = lambda c, m=matches: total(c.timeliness, lambda k: m(k[0], k[1]) and k[3] == "late")  # noqa: E731
        reasons = [(f"{group}:{reason.value}", f"{label}: {reason.label}") for reason in LateReason]
        reasons.append((f"{group}:{NOT_RECORDED}", f"{label}: reason not recorded"))
        rows += rows_for(
            reasons,
            now,
            before,
            lambda c, key, m=matches: total(
                c.timeliness, lambda k: m(k[0], k[1]) and k[3] == "late" and (k[4] or NOT_RECORDED) == key.split(":", 1)[1]
            ),
            base=late,
            group=group,
        )
    return Figure(
        "timeliness-reasons",
        SECTION,
        "Why reviews and conferences were held late",
        "Reviews and conferences held late in the period, by the reason recorded.",
        [row for row in rows if row.now.count or row.before.count] or [row for row in rows if row.key.endswith(NOT_RECORDED)],
        chart=False,
        share_of="of those of the same kind held late",
    )


def visit_checks_figure(now: Counts, before: Counts) -> Figure:
    """Visits held in which the child was seen alone, and mid-way visits."""
    held = lambda c: total(c.visit_checks)  # noqa: E731
    rows = rows_for([("held", "Visits held (pre-review and mid-way)")], now, before, lambda c, _k: held(c), total_row=True)
    rows += rows_for(
        [("seen_alone", "The child was seen alone"), ("not_seen_alone", "The child was not seen alone"), ("not_recorded", "Not recorded")],
        now,
        before,
        lambda c, key: total(c.visit_checks, lambda k: {True: "seen_alone", False: "not_seen_alone", None: "not_recorded"}[k[1]] == key),
        base=held,
        total_row=True,
    )
    rows += rows_for(
        [("mid_way", "Mid-way visits held")], now, before, lambda c, _k: total(c.visit_checks, lambda k: k[0] == "mid_way"), total_row=True
    )
    return Figure(
        "visits-seen-alone",
        "Pre-review visits",
        "Visits where the child was seen alone, and mid-way visits",
        "Visits held on a day in the period, pre-review and mid-way, by whether the IRO saw the child on their own.",
        rows,
        share_of="of visits held",
    )


def lawful_figures(now: Counts, before: Counts) -> list[Figure]:
    """The section's figures, in order."""
    return [
        participation_codes_figure(now, before),
        dfe_participation_figure(now, before),
        timeliness_figure(now, before),
        late_reasons_figure(now, before),
    ]
