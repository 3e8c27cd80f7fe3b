"""The readable PDFs of a subject access export: the child's record, and the third-party part apart."""

from __future__ import annotations

from typing import Any

# The statement PDF's document (fonts for every shipped language, right-to-left shaping) and its
# small layout helpers: the same look, and no second set of fonts to keep.
from voice_app.pdf_layout import PRIVATE_BG, PdfWriter, new_document

LABELS = {
    "id": "voice-app id", "preferred_name": "Preferred name", "case_reference": "Case reference", "date_of_birth": "Date of birth",
    "age_years": "Age recorded (when no date of birth)", "preferred_language": "Preferred language",
    "communication_needs": "Communication needs", "passport_yes_no": "How I say yes and no", "passport_helps": "What helps me",
    "passport_upsets": "What upsets me", "passport_choosing": "My best way to choose", "passport_access": "How I answer on the tablet", "cared_for": "Cared for", "cared_for_since": "Cared for since",
    "on_cp_plan": "On a child protection plan", "cp_plan_since": "On a plan since", "active": "Record open",
    "created_at": "Record made", "allocated_iro": "Allocated IRO",
    "disability": "Disability (equality details)", "ethnicity": "Ethnicity (the DfE's code)", "gender": "Gender (the census code)",
}


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "not recorded"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _start(title: str, footer: str):
    pdf = new_document()
    pdf.footer_text = footer
    pdf.set_title(title)
    pdf.set_author("voice-app")
    pdf.add_page()
    w = PdfWriter(pdf)
    w.text(title, size=18, bold=True)
    return pdf, w


def render_record_pdf(record: dict[str, Any]) -> bytes:
    """The child's details, reviews, visits and audit trail (statements have their own PDFs)."""
    child = record["child"]
    pdf, w = _start(f"Everything voice-app holds about {child['preferred_name']}", f"{child['case_reference']} · subject access")
    w.text(f"Made {record['made_at']} by {record['made_by']}.", size=10)
    w.heading("The child's details")
    for field, label in LABELS.items():
        w.text(f"{label}: {_shown(child.get(field))}", size=10.5)
    w.heading("Reviews and conferences")
    for review in record["reviews"] or [None]:
        if review is None:
            w.text("None recorded.", size=10.5)
            continue
        w.text(
            f"{review['kind'].replace('_', ' ')} ({review['stage'].replace('_', ' ')}): set for {review['scheduled_for']}, "
            f"{review['status']}{', held ' + review['held_on'] if review['held_on'] else ''}; chair {_shown(review['chair'])}",
            size=10.5,
        )
    w.heading("Pre-review visits")
    for visit in record["visits"] or [None]:
        if visit is None:
            w.text("None recorded.", size=10.5)
            continue
        w.text(f"Visit {visit['id']} by {visit['iro']}: {visit['status']}, planned {_shown(visit['planned_for'])}, held {_shown(visit['held_on'])}", size=10.5)
        if visit["declined_reason"]:
            w.text(f"Why the child did not want a visit: {visit['declined_reason']}", size=10.5, fill=PRIVATE_BG, indent=4)
    w.heading("Statements")
    if record["statements"]:
        for document in record["statements"]:
            s = document["statement"]
            w.text(f"Statement {s['id']}: begun {s['started_at']}, {_shown(s['end'])}; see statements/statement-{s['id']}.pdf", size=10.5)
    else:
        w.text("None recorded.", size=10.5)
    if record.get("own_photos"):
        w.heading("The child's own photos on their sorting mats")
        for photo in record["own_photos"]:
            w.text(f"“{photo['words']}” on the {photo['mat']} mat of statement {photo['statement_id']}, added {photo['added_at']}; see {photo['file']}", size=10.5)
    w.heading("Escalations (the dispute resolution procedure)")
    for escalation in record.get("escalations") or [None]:
        if escalation is None:
            w.text("None raised.", size=10.5)
            continue
        w.text(f"Escalation {escalation['id']}: {escalation['theme']}, raised {escalation['raised_on']} by {_shown(escalation['raised_by'])}", size=10.5)
        w.text(f"The worry: {escalation['the_worry']}", size=10.5, fill=PRIVATE_BG, indent=4)
        for stage in escalation["stages"]:
            w.text(f"{stage['stage']}: began {stage['began_on']}, with {stage['with_whom']}; response: {_shown(stage['response'])}", size=10.5, indent=4)
        if escalation["closed_on"]:
            w.text(f"Closed {escalation['closed_on']} at {escalation['closed_at_stage']}. Outcome for the child: {escalation['outcome_for_child']}", size=10.5, indent=4)
    w.heading("Between reviews: tracking discussions, permanence, plans over a year")
    between = [
        *(f"Tracking discussion {d['held_on']} with {d['with_whom']}: {d['checked']}" + (f" Actions: {d['actions']}" if d["actions"] else "") for d in record.get("tracking_discussions", [])),
        *(f"Plan of permanence at review {p['review_id']}: {p['plan']}" + (f" (why not yet: {p['why_not_yet']})" if p["why_not_yet"] else "") for p in record.get("permanence_at_second_review", [])),
        *(f"Why the plan has lasted 12 months or more ({r['considered_on']}): {r['reasons']}" for r in record.get("plan_over_a_year_reasons", [])),
    ]
    for line in between or ["None recorded."]:
        w.text(line, size=10.5)
    w.heading("Who saw or changed the record (audit trail)")
    for event in record["audit_trail"] or [None]:
        if event is None:
            w.text("Nothing recorded.", size=10.5)
            continue
        line = f"{event['at']}: {event['who']}: {event['action']}"
        if event["statement_id"]:
            line += f" (statement {event['statement_id']})"
        if event["detail"]:
            line += f" [{event['detail']}]"
        if event["value_before_correction"] is not None:
            line += f"; before the correction: {event['value_before_correction']}"
        w.text(line, size=9.5)
    return bytes(pdf.output())


def render_third_party_pdf(record: dict[str, Any], third_party: dict[str, Any]) -> bytes:
    """Third-party information, for the officer to review before release."""
    child = record["child"]
    pdf, w = _start("Third-party information: review before release", f"{child['case_reference']} · subject access · third party")
    w.text(third_party["note"], size=10.5, fill=PRIVATE_BG)
    w.heading("Parents' feedback on the child's conferences")
    for response in third_party["parents_feedback"] or [None]:
        if response is None:
            w.text("None.", size=10.5)
            continue
        answers = ", ".join(f"{q}: {_shown(a)}" for q, a in response["answers"].items())
        w.text(f"Conference {response['review_id']}, sent {response['submitted_at']} ({response['source']}): {answers}", size=10.5)
        if response["name"]:
            w.text(f"Name given: {response['name']}", size=10.5, indent=4)
        if response["comment"]:
            w.text(response["comment"], size=10.5, fill=PRIVATE_BG, indent=4)
    w.heading("Free text that names another child")
    for passage in third_party["other_children_named"] or [None]:
        if passage is None:
            w.text("None found (voice-app checks the other children's preferred names only).", size=10.5)
            continue
        w.text(f"{passage['where']}: names {', '.join(passage['names'])}", size=10.5, bold=True)
        w.text(passage["text"], size=10.5, fill=PRIVATE_BG, indent=4)
    return bytes(pdf.output())
