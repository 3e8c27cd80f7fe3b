"""Practitioners gathering a child's views for a child protection conference (issue 18).

A manager, the child's IRO or the conference's chair invites a social worker or another professional by email;
the practitioner chooses a password through a single-use link, sees only that child's name, that conference's
day and the conversations they ran, and hands their own device to the child in the same child mode as an IRO.
Access ends when the conference is held or the invitation is withdrawn (access.py checks every request).
"""

from flask import Blueprint

bp = Blueprint("practitioners", __name__)

from voice_app.practitioners import routes  # noqa: E402,F401
