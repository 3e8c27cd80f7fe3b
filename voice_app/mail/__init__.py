"""Email through an outbox: a message is stored with the change that caused it, then sent (and retried) after.

    queue_email(session, to=..., subject=..., text=..., kind="safety_alert")   # in the same transaction
    session.commit()                                                          # one attempt follows at once
    voice-app mail send-due                                                   # cron: every minute or so

SMTP is optional (VOICE_APP_SMTP_HOST); without it nothing is queued and queue_email returns None, so
callers keep their in-app path as the one that never fails. Logs name a message by id and kind only.
"""

from voice_app.mail.outbox import SendSummary, mail_enabled, next_delay, queue_email, send_due
from voice_app.mail.transport import init_app

__all__ = ["SendSummary", "init_app", "mail_enabled", "next_delay", "queue_email", "send_due"]
