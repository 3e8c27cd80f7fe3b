"""The service's rule for who must use a second factor, kept in its own one-row table."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from voice_app.audit_labels import label_actions
from voice_app.models import AuditEvent, Role, SecondFactorPolicy, SecondFactorRule, StaffUser

POLICY_CHANGED = "staff.second_factor_policy"
label_actions({POLICY_CHANGED: "Changed who must use a second factor"})

RULE_LABELS = {
    SecondFactorRule.OPTIONAL: _l("Not required: anyone may set one up"),
    SecondFactorRule.MANAGERS_AND_ADMINS: _l("Required for managers and admins"),
    SecondFactorRule.EVERYONE: _l("Required for everyone"),
}
# Roles that see every child or manage accounts; every other role (IROs, and any role added later) is "everyone".
PRIVILEGED = frozenset({Role.MANAGER, Role.ADMIN})


def current_rule(db: Session) -> SecondFactorRule:
    """The rule in force (not required until an admin chooses otherwise)."""
    row = db.exec(select(SecondFactorPolicy).order_by(col(SecondFactorPolicy.id).desc())).first()
    return row.rule if row else SecondFactorRule.OPTIONAL


def required_roles(rule: SecondFactorRule) -> frozenset[Role]:
    """The roles that must use a second factor under a rule."""
    if rule == SecondFactorRule.EVERYONE:
        return frozenset(Role)
    if rule == SecondFactorRule.MANAGERS_AND_ADMINS:
        return frozenset(role for role in Role if role in PRIVILEGED)
    return frozenset()


def required_for(db: Session, *, user: StaffUser) -> bool:
    """Whether this person must use a second factor under the rule in force."""
    return user.role in required_roles(current_rule(db))


def set_rule(db: Session, *, rule: SecondFactorRule, acting: StaffUser, now: datetime) -> None:
    """Change the rule (audited, with who changed it)."""
    row = db.exec(select(SecondFactorPolicy).order_by(col(SecondFactorPolicy.id).desc())).first() or SecondFactorPolicy()
    row.rule, row.changed_at, row.changed_by_id = rule, now, acting.id
    db.add(row)
    db.add(AuditEvent(at=now, staff_id=acting.id, action=POLICY_CHANGED, detail=f"rule={rule.value}"))
    db.commit()
