"""Helpers for the parents' feedback tests: conferences, links and responses made directly."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta

from voice_app.models import (
    FeedbackLink,
    ParentResponse,
    RespondentKind,
    ResponseSource,
    ReviewKind,
    ReviewStage,
    ReviewStatus,
    utcnow,
)
from voice_app.parents.links import new_token


def conference(
    make, child, *, stage=ReviewStage.REVIEW_CONFERENCE, day: date | None = None, chair=None, status=ReviewStatus.HELD
):
    """A child protection conference, held on `day` (today by default)."""
    day = day or date.today()
    return make.review(
        child,
        kind=ReviewKind.CP_CONFERENCE,
        stage=stage,
        scheduled_for=day,
        held_on=day if status == ReviewStatus.HELD else None,
        status=status,
        chair_id=(chair.id if chair else child.iro_id),
    )


def link(
    db,
    review,
    *,
    by,
    days: int = 28,
    max_responses: int = 2,
    revoked: bool = False,
    expired: bool = False,
    kind=RespondentKind.PARENT,
):
    """A feedback link (for parents unless told otherwise), open unless told otherwise."""
    now = utcnow()
    item = FeedbackLink(
        review_id=review.id,
        token=new_token(),
        created_by_id=by.id,
        created_at=now - timedelta(days=days + 1) if expired else now,
        expires_at=now - timedelta(minutes=1) if expired else now + timedelta(days=days),
        max_responses=max_responses,
        revoked_at=now if revoked else None,
        respondent_kind=kind,
    )
    db.add(item)
    db.commit()
    db.refresh(item)
    return item


def response(
    db,
    review,
    answers: str,
    *,
    link_id=None,
    comment=None,
    name=None,
    source=ResponseSource.ONLINE,
    kind=RespondentKind.PARENT,
    agency=None,
):
    """A response; answers as "SA A D SD NA -" for q1..q5 ("-" is blank)."""
    codes = {"SA": "strongly_agree", "A": "agree", "D": "disagree", "SD": "strongly_disagree", "NA": "not_applicable", "-": None}
    values = [codes[code] for code in answers.split()] + [None] * 5
    item = ParentResponse(
        review_id=review.id,
        link_id=link_id,
        source=source,
        comment=comment,
        name=name,
        submission_key=secrets.token_urlsafe(24),
        respondent_kind=kind,
        agency=agency,
        **{f"q{n}": values[n - 1] for n in range(1, 6)},
    )
    db.add(item)
    db.commit()
    return item


def csrf_of(response) -> str:
    """The CSRF token in a page's form."""
    match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', response.data) or re.search(
        rb'name="csrf_token" value="([^"]+)"', response.data
    )
    assert match, response.data[:500]
    return match.group(1).decode()
