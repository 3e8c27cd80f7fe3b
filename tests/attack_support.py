"""One small service seen by every kind of visitor, for the attacker's tests (route x role, CSRF, ids, fuzz)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import PASSWORD, Client
from tests.feedback_helpers import conference, link
from tests.phone_support import join_phone, tell
from tests.statement_factories import AnswerSpec, make_statement
from voice_app.escalations.services import Source, raise_escalation
from voice_app.models import (
    ErasureRequest,
    IroProfile,
    MatPhoto,
    Observation,
    PhoneDevice,
    PhonePairing,
    PlanKind,
    Profession,
    ReviewStage,
    ReviewStatus,
    Role,
    SafetyAlert,
    StaffUser,
    VisitMethod,
    VisitStatus,
)
from voice_app.photos import clean_photo
from voice_app.practitioners.services import accept, check_link, invite

# Who visits: anonymous, a parent holding a feedback link, the child's IRO, another IRO, a manager, an admin,
# a tablet in child mode, a child's own phone (a device credential, unlocked with the child's secret), and a
# practitioner invited to gather the child's views for an upcoming conference.
ROLES = {"A": "anonymous", "P": "parent", "I": "iro", "O": "other iro", "M": "manager", "D": "admin", "C": "child mode", "F": "phone", "T": "practitioner"}

# Every endpoint, an example URL and who may use it (letters from ROLES). A route missing here fails the tests,
# so a new page cannot arrive without a rule.
RULES: dict[str, tuple[str, str]] = {
    "static": ("/static/css/staff.css", "APIOMDCFT"),
    "health.healthz": ("/healthz", "APIOMDCFT"),
    "health.readyz": ("/readyz", "APIOMDCFT"),
    "credits.credits": ("/credits", "APIOMDCFT"),
    "auth.index": ("/", "IOMDT"),
    "auth.sign_in": ("/sign-in", "APIOMDFT"),
    "auth.sign_out": ("/sign-out", "IOMDT"),
    "auth.change_password": ("/account/password", "IOMDT"),
    "auth.sessions": ("/account/sessions", "IOMDT"),
    "auth.end_own_session": ("/account/sessions/{iro_session}/end", "I"),
    # The second step of signing in: without a right password a moment ago, it sends everyone to sign in;
    # someone signed in is sent on to their start page.
    "mfa.challenge": ("/sign-in/code", "IOMDT"),
    "mfa.recovery": ("/sign-in/recovery-code", "IOMDT"),
    "mfa.overview": ("/account/two-factor", "IOMDT"),
    "mfa.set_up": ("/account/two-factor/set-up", "IOMDT"),
    "mfa.new_codes": ("/account/two-factor/recovery-codes", "IOMDT"),
    "mfa.turn_off": ("/account/two-factor/off", "IOMDT"),
    "mfa.policy": ("/admin/two-factor", "D"),
    "mfa.reset": ("/admin/staff/{staff}/two-factor/reset", "D"),
    "admin.staff_list": ("/admin/staff", "D"),
    "admin.new_staff": ("/admin/staff/new", "D"),
    "admin.toggle_active": ("/admin/staff/{staff}/active", "D"),
    "admin.unlock_account": ("/admin/staff/{staff}/unlock", "D"),
    "admin.end_sessions": ("/admin/staff/{staff}/sessions/end", "D"),
    "admin.temporary_password": ("/admin/staff/{staff}/password", "D"),
    "staff.caseload": ("/caseload", "IOM"),
    "staff.child": ("/children/{child}", "IM"),
    "staff.new_child": ("/children/new", "M"),
    "staff.edit_child": ("/children/{child}/edit", "M"),
    # Special-category data: the child's own IRO and managers; never another IRO, an admin, a practitioner or the child.
    "staff.equality": ("/children/{child}/equality", "IM"),
    "staff.add_review": ("/children/{child}/reviews", "IM"),
    "staff.add_visit": ("/reviews/{review}/visits", "IM"),
    "staff.young_persons_conference": ("/reviews/{review}/young-person", "IM"),
    "staff.record_review_outcome": ("/reviews/{review}/record", "IM"),
    "staff.record_visit": ("/visits/{visit}/record", "IM"),
    "statements.show": ("/statements/{statement}", "IM"),
    "statements.response": ("/statements/{statement}/responses/feel-today", "IM"),
    "statements.decision": ("/statements/{statement}/decisions/menu-format", "IM"),
    "statements.notes": ("/statements/{statement}/notes", "IM"),
    "statements.reviewed": ("/statements/{statement}/reviewed", "IM"),
    "statements.review_record": ("/statements/{statement}/review-record", "IM"),
    "statements.release": ("/statements/{statement}/release", "IM"),
    "statements.withdraw": ("/statements/{statement}/release/withdraw", "IM"),
    "statements.export": ("/statements/{statement}/export.json", "IM"),
    # The same photo for staff who may see the statement: the child's IRO and managers.
    "statements.mat_photo": ("/statements/{statement}/photos/{mat_photo}", "IM"),
    "statements.child_audit": ("/children/{child}/audit", "M"),
    "statements.observations": ("/statements/{statement}/observations", "IM"),
    "statements.observe_visit": ("/visits/{visit}/observe", "IM"),
    "statements.remove_observation_route": ("/statements/{statement}/observations/{observation}/remove", "IM"),
    "feedback.conferences": ("/feedback/conferences", "IOM"),
    "feedback.conference": ("/feedback/conferences/{conference}", "IM"),
    "feedback.new_link": ("/feedback/conferences/{conference}/links", "IM"),
    "feedback.paper": ("/feedback/conferences/{conference}/paper", "IM"),
    "feedback.revoke": ("/feedback/links/{link}/revoke", "IM"),
    "feedback.card": ("/feedback/links/{link}/card", "IM"),
    "feedback.tablet": ("/feedback/links/{link}/tablet", "IM"),
    "feedback.qr_file": ("/feedback/links/{link}/qr.svg", "IM"),
    "feedback.results": ("/feedback/results", "M"),
    "feedback.results_csv": ("/feedback/results/answers.csv", "M"),
    "feedback.local_questions": ("/feedback/questions", "M"),
    "feedback.changes": ("/feedback/you-said-we-did", "M"),
    "reports.index": ("/reports/", "MD"),
    "reports.report_json": ("/reports/report.json", "MD"),
    "reports.report_csv": ("/reports/report.csv", "MD"),
    "reports.figure_csv": ("/reports/figures/visits.csv", "MD"),
    "reports.figure_svg": ("/reports/figures/visits.svg", "MD"),
    "handover.setup": ("/visits/{visit2}/hand-over", "IM"),
    "child.resume": ("/child/", "C"),
    "child.conversation": ("/child/statements/{child_statement}", "C"),
    "child.question": ("/child/statements/{child_statement}/questions/feel-today", "C"),
    "child.mat": ("/child/statements/{child_statement}/mats/school", "C"),
    "child.answer": ("/child/statements/{child_statement}/questions/feel-today", "C"),
    "child.recap_seen": ("/child/statements/{child_statement}/recap", "C"),
    "child.choose_language": ("/child/statements/{child_statement}/language", "C"),
    "child.finish": ("/child/statements/{child_statement}/finish", "C"),
    "child.sharing": ("/child/statements/{child_statement}/sharing", "C"),
    "child.stop_confirm": ("/child/statements/{child_statement}/stop", "C"),
    "child.stop": ("/child/statements/{child_statement}/stop", "C"),
    "child.give_back": ("/child/give-back", "C"),
    "child.access": ("/child/access", "C"),
    "child.my_iro_photo": ("/child/statements/{child_statement}/my-iro/photo", "C"),
    # The child's own photo on a sorting mat: only the tablet of that hand-over (child/photos.py).
    "child.mat_photo": ("/child/statements/{child_statement}/photos/{child_mat_photo}", "C"),
    # Child mode's offline support: the service worker is a plain script with nothing of the child in it
    # (served to anyone, so the browser can re-check it); the rest needs the live hand-over.
    "child.service_worker": ("/child/sw.js", "APIOMDCFT"),
    "child.offline_page": ("/child/offline", "C"),
    "child.session_token": ("/child/token", "C"),
    "child.offline_pack": ("/child/statements/{child_statement}/pack/en-GB.json", "C"),
    # Answers still waiting on the tablet after give-back: only the child's own IRO sends them.
    "handover.waiting_answer": ("/statements/{child_statement}/waiting-answers", "I"),
    "profiles.edit": ("/profile", "IOM"),
    "profiles.upload_photo": ("/profile/photo", "IOM"),
    "profiles.staff_photo": ("/staff/{iro_id}/photo", "IM"),
    "profiles.contact": ("/admin/service-contact", "D"),
    "profiles.letter": ("/children/{child}/letter", "IM"),
    "profiles.letter_download": ("/children/{child}/letter.pdf", "IM"),
    "profiles.letter_given": ("/children/{child}/letter/given", "IM"),
    "statements.attention": ("/statements/{attention_statement}/attention/safe-scale", "IM"),
    "records.find": ("/records", "M"),
    "records.child": ("/records/children/{child}", "M"),
    "records.correct": ("/records/children/{child}/correct", "M"),
    "records.subject_access": ("/records/children/{child}/subject-access", "M"),
    "records.ask_erasure": ("/records/children/{child}/erasure", "M"),
    "records.confirm": ("/records/erasure/{erasure}/confirm", "M"),
    "records.cancel": ("/records/erasure/{erasure}/cancel", "M"),
    "reports.ssda903_reviews_csv": ("/reports/ssda903-reviews.csv", "MD"),
    # Single sign-on. With no provider set up (as here), starting or finishing a council sign-in is refused for
    # everyone ("not set up"); staff already signed in are sent to their start page, and a tablet in child mode to
    # the provider hand-back (itself refused here, and a 404 outside child mode). The admin's pages: admins only.
    "sso.start": ("/sign-in/council", "IOMDCT"),
    "sso.callback": ("/sign-in/council/callback?code=x&state=y", ""),
    "sso.hand_back": ("/give-back/council", ""),
    "sso_admin.settings": ("/admin/single-sign-on", "D"),
    "sso_admin.approvals": ("/admin/single-sign-on/approvals", "D"),
    "sso_admin.decide": ("/admin/single-sign-on/approvals/1", "D"),
    "parents.start": ("/p/{token}", "APIOMDFT"),
    "parents.begin": ("/p/{token}/start", "APIOMDFT"),
    "parents.step": ("/p/{token}/q1", "APIOMDFT"),
    "parents.check": ("/p/{token}/check", "APIOMDFT"),
    "parents.send": ("/p/{token}/send", "APIOMDFT"),
    "parents.thanks": ("/p/{token}/thanks", "APIOMDFT"),
    # The child's own phone: joining and the quick exit are open to anyone (but a tablet in child mode);
    # everything else needs this phone's credential and the child's secret, and reaches only its child.
    "phone.join": ("/phone/join", "APIOMDFT"),
    "phone.quick_exit": ("/phone/exit", "APIOMDFT"),
    "phone.secret": ("/phone/secret", "F"),
    "phone.unlock": ("/phone/unlock", "F"),
    "phone.home": ("/phone/", "F"),
    "phone.tell": ("/phone/tell/feeling", "F"),
    "phone.sent": ("/phone/sent/{phone_message}", "F"),
    "phone.replies": ("/phone/replies", "F"),
    "phone.iro_photo": ("/phone/my-iro/photo", "F"),
    "phone.switch_off": ("/phone/off", "F"),
    # Getting ready for the next meeting: the phone (unlocked) starts child mode for its own child's statement only.
    "phone.meeting": ("/phone/meeting", "F"),
    "phones.new_code": ("/children/{child}/phone/code", "IM"),
    "phones.show_code_page": ("/children/{child}/phone/code/{phone_pairing}", "IM"),
    "phones.revoke": ("/phones/{phone_device}/revoke", "IM"),
    "phones.message": ("/phone-messages/{phone_message}", "IM"),
    "phones.reply_to": ("/phone-messages/{phone_message}/reply", "IM"),
    "phones.acknowledge_alert": ("/safety-alerts/{safety_alert}/acknowledge", "IM"),
    "phones.away": ("/account/away", "IOM"),
    "practitioners.invitations": ("/conferences/{live_conference}/practitioners", "IM"),
    "practitioners.withdraw_invitation": ("/practitioner-invitations/{invitation}/withdraw", "IM"),
    "practitioners.join": ("/practitioner/join/{invite_token}", "APIOMDFT"),
    "practitioners.home": ("/practitioner/", "T"),
    "practitioners.hand_over": ("/practitioner/invitations/{practitioner_invitation}/hand-over", "T"),
    # Escalations: the child's own IRO and managers; the tracker lists only what each may see (another IRO: theirs).
    "escalations.new": ("/children/{child}/escalations/new", "IM"),
    "escalations.show": ("/escalations/{escalation}", "IM"),
    "escalations.move": ("/escalations/{escalation}/stage", "IM"),
    "escalations.close": ("/escalations/{escalation}/close", "IM"),
    "escalations.example": ("/escalations/{escalation}/example", "M"),
    "escalations.tracker": ("/escalations", "IOM"),
    "escalations.tracker_csv": ("/escalations.csv", "IOM"),
    # Between reviews: the child's own IRO and managers; the list of long plans shows each only their own children.
    "tracking.permanence": ("/reviews/{second_review}/permanence", "IM"),
    "tracking.new_discussion": ("/children/{child}/tracking-discussions/new", "IM"),
    "tracking.long_plan": ("/children/{child}/plan-over-a-year", "IM"),
    "tracking.long_plans": ("/plans-over-a-year", "IOM"),
    "tracking.considered": ("/statements/{statement}/considered", "IM"),
}


# Routes whose success is itself a trip to the sign-in page: checked by the session really having ended.
SIGN_OUT_ROUTES = {"auth.sign_out", "auth.end_own_session"}


def denied(response) -> bool:
    """A refusal: sent to sign in, forbidden, or (so nothing leaks) not found."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/sign-in" in response.headers.get("Location", "")


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class World:
    app: object
    ids: dict
    clients: dict = field(default_factory=dict)

    def url(self, endpoint: str) -> str:
        return RULES[endpoint][0].format(**self.ids)

    def client(self, role: str) -> Client:
        return self.clients[role]


@pytest.fixture
def attack_world(app, make, db, signed_in, bank) -> World:
    """Every kind of visitor, signed in as they would be, around one child with a statement and a conference."""
    iro, other, manager, admin = make.staff(Role.IRO), make.staff(Role.IRO), make.staff(Role.MANAGER), make.staff(Role.ADMIN)
    target = make.staff(Role.IRO)  # the account admins act on
    child = make.child(iro, name="Aisha")
    review = make.review(child)
    visit = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
    statement = make_statement(db, child=child, visit=visit)
    visit2 = make.visit(review, iro=iro)
    visit3 = make.visit(review, iro=iro)
    conf = conference(make, child)
    feedback_link = link(db, conf, by=iro)
    # Something for the newer routes to find: a flagged answer, the IRO's photo, a waiting erasure request
    # (asked by another manager, so the signed-in one may confirm it).
    visit4 = make.visit(review, iro=iro, status=VisitStatus.DONE, held_on=date.today(), method=VisitMethod.FACE_TO_FACE)
    flagged = make_statement(db, child=child, visit=visit4, answers=[AnswerSpec("safe-scale", scale=2)])
    db.add(IroProfile(staff_id=iro.id, first_name="Jo", photo=clean_photo(_png())))
    erasure = ErasureRequest(child_id=child.id, requested_by_id=make.staff(Role.MANAGER).id, reason="Court order")
    db.add(erasure)
    observation = Observation(statement_id=statement.id, topic="school", what="Pushed the school photo away", certainty="fairly", helpers="teacher", recorded_by_id=iro.id)
    db.add(observation)
    db.commit()
    clients = {"A": Client(app.test_client())}
    clients["I"] = signed_in(iro)  # the first sign-in of the test: session 1
    clients["O"], clients["M"], clients["D"] = signed_in(other), signed_in(manager), signed_in(admin)
    tablet = signed_in(iro)
    handed = tablet.post(f"/visits/{visit2.id}/hand-over", {"version": "younger", "language": "en-GB", "parts": "views,menu"})
    assert handed.status_code == 302, handed.get_data(as_text=True)[:500]
    child_statement = int(handed.headers["Location"].split("/statements/")[1].split("#")[0])
    tablet.get(handed.headers["Location"])
    clients["C"] = tablet
    # The child's own photo on a sorting mat, on the statement staff see and on the tablet's.
    mat_photo = MatPhoto(statement_id=statement.id, child_id=child.id, mat_id="home", number=1, label="My dog", photo=clean_photo(_png()))
    child_mat_photo = MatPhoto(statement_id=child_statement, child_id=child.id, mat_id="home", number=1, label="Nan's house", photo=clean_photo(_png()))
    db.add_all([mat_photo, child_mat_photo])
    db.commit()
    parent = Client(app.test_client())
    parent.get(f"/p/{feedback_link.token}")
    clients["P"] = parent
    clients["F"] = join_phone(app, db, child=child, iro=iro)
    sent = tell(clients["F"], "wrong", safety="not_safe", text="Not safe at home")
    phone_message = int(sent.headers["Location"].rsplit("/", 1)[1])
    phone_device, phone_pairing = db.exec(select(PhoneDevice.id, PhonePairing.id).join(PhonePairing, PhonePairing.device_id == PhoneDevice.id)).one()
    safety_alert = db.exec(select(SafetyAlert.id)).one()
    # A practitioner who joined for the child's next conference, and another still holding an unused link.
    live_conf = conference(make, child, day=date.today() + timedelta(days=14), status=ReviewStatus.SCHEDULED)
    joined = invite(db, review=live_conf, child=child, email="sam.worker@example.org", name="Sam Worker", profession=Profession.SOCIAL_WORKER, organisation="", invited_by=manager)
    db.commit()
    accept(db, joining=check_link(db, token=joined.token), password=PASSWORD)
    waiting = invite(db, review=live_conf, child=child, email="school.nurse@example.org", name="Pat Nurse", profession=Profession.HEALTH, organisation="", invited_by=iro)
    db.commit()
    clients["T"] = signed_in(db.get(StaffUser, joined.invitation.practitioner_id))
    second_review = make.review(child, stage=ReviewStage.SECOND, scheduled_for=date.today(), held_on=date.today(), status=ReviewStatus.HELD)
    escalation = raise_escalation(
        db, child=child, by=iro, plan=PlanKind.CARED_FOR, theme="lack_of_progress", identified_on=date.today(), raised_on=date.today(),
        challenge="The plan has not moved.", with_whom="Social worker", source=Source(statement_id=flagged.id, question_id="safe-scale"), today=date.today(),
    )
    ids = dict(
        iro_session=1, iro_id=iro.id, visit3=visit3.id, staff=target.id, child=child.id, review=review.id, visit=visit.id, visit2=visit2.id, statement=statement.id,
        conference=conf.id, link=feedback_link.id, token=feedback_link.token, child_statement=child_statement,
        attention_statement=flagged.id, erasure=erasure.id, observation=observation.id, mat_photo=mat_photo.id, child_mat_photo=child_mat_photo.id,
        phone_message=phone_message, phone_device=phone_device, phone_pairing=phone_pairing, safety_alert=safety_alert,
        escalation=escalation.id, second_review=second_review.id, live_conference=live_conf.id, practitioner_invitation=joined.invitation.id, invitation=waiting.invitation.id, invite_token=waiting.token,
    )
    return World(app, ids, clients)
