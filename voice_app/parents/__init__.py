"""Parents' feedback on child protection conferences, both sides of it, in one place.

- What parents answer: `questionnaire/` (the pages behind a conference's link, no account) and the
  questions themselves (`questions.py`), shared by every side.
- What staff do with it: `staff/` (links, QR cards, paper entry, results pages, CSV, charts), on
  `links.py`, `responses.py`, `results.py` and `periods.py`.
- Its share of the service report: `report.py`, handed to voice_app.reports through `report_share`.

docs/architecture.md tells where this area stands among the others.
"""

from __future__ import annotations


def report_share(now, before):
    """The parents' figures of the service report, for the period (`now`) and the one before (`before`)."""
    from voice_app.parents.report import parents_section

    return parents_section(now, before)
