"""The child's own phone: joining at a visit, telling their IRO something, safety, and the IRO's side of it."""

from flask import Blueprint

# The child's phone: reachable only with a live device credential (a cookie), after the child's secret.
bp = Blueprint("phone", __name__, url_prefix="/phone")
# Staff pages (sign-in needed): showing a joining code, reading messages, alerts, revoking a phone.
staff_bp = Blueprint("phones", __name__)

from voice_app.audit_labels import label_actions  # noqa: E402
from voice_app.models import PhoneEnd  # noqa: E402
from voice_app.phone import conversation, routes, staff_routes  # noqa: F401

_ENDED = {
    PhoneEnd.CHILD: "Phone switched off by the child",
    PhoneEnd.REVOKED: "Phone revoked",
    PhoneEnd.LEFT_CARE: "Phone ended: no longer cared for or on a plan",
    PhoneEnd.UNUSED: "Phone ended: not used for the set period",
}
label_actions(
    {
        "phone.code_shown": "Showed a code to set up the child's own phone",
        "phone.joined": "The child's own phone joined",
        "phone.secret_set": "The child chose the phone's secret",
        "phone.unlock": "Unlocking the child's phone",
        "phone.message": "A message from the child's phone",
        "phone.alert.raised": "Safety alert raised from the child's phone",
        "phone.alert.acknowledged": "Safety alert acknowledged",
        "phone.message.read": "Read a message from the child's phone",
        "phone.message.replied": "Replied to the child's message",
        "phone.conversation": "The child got ready for their next meeting on their phone",
        **{f"phone.ended.{reason.value}": words for reason, words in _ENDED.items()},
    }
)
