"""Equality details a service may record about a child (issue 32), in the codes the DfE's returns use.

Never required, never shown to the child, and special-category data (racial or ethnic origin, health):
only the child's IRO and managers see or change them (voice_app/staff/equality_routes.py), every change
is audited with the value before encrypted, they go into a subject access copy and are cleared when a
child's identity is taken out at retention. They are short codes rather than free text so the service
report can count them in the database (docs/records.md says why they are not encrypted at rest).
"""

from __future__ import annotations

NOT_RECORDED = ""  # the stored value when nothing is recorded (the default)

# Disability: the CIN census's yes/no, and "not known".
DISABILITY = {"yes": "Disabled", "no": "Not disabled", "not_known": "Not known"}

# Gender: the CIN census codes (the SSDA903 return uses 1 and 2).
GENDER = {"1": "Male", "2": "Female", "0": "Not known", "9": "Not stated or indeterminate"}

# Ethnicity: the DfE's main codes (SSDA903 and CIN census), each with its main group.
ETHNIC_GROUPS = {
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black or Black British",
    "other": "Chinese or any other ethnic group",
    "refused": "Refused (REFU)",
    "not_obtained": "Information not yet obtained (NOBT)",
}
ETHNICITY: dict[str, tuple[str, str]] = {
    "WBRI": ("White British", "white"),
    "WIRI": ("White Irish", "white"),
    "WIRT": ("Traveller of Irish heritage", "white"),
    "WOTH": ("Any other White background", "white"),
    "WROM": ("Gypsy or Roma", "white"),
    "MWBC": ("White and Black Caribbean", "mixed"),
    "MWBA": ("White and Black African", "mixed"),
    "MWAS": ("White and Asian", "mixed"),
    "MOTH": ("Any other mixed background", "mixed"),
    "AIND": ("Indian", "asian"),
    "APKN": ("Pakistani", "asian"),
    "ABAN": ("Bangladeshi", "asian"),
    "AOTH": ("Any other Asian background", "asian"),
    "BCRB": ("Black Caribbean", "black"),
    "BAFR": ("Black African", "black"),
    "BOTH": ("Any other Black background", "black"),
    "CHNE": ("Chinese", "other"),
    "OOTH": ("Any other ethnic group", "other"),
    "REFU": ("Refused", "refused"),
    "NOBT": ("Information not yet obtained", "not_obtained"),
}


def ethnic_group(code: str) -> str:
    """The main group of a DfE ethnicity code ("" when none is recorded or the code is unknown)."""
    return ETHNICITY.get(code, ("", ""))[1]


def describe(*, disability: str, ethnicity: str, gender: str) -> dict[str, str]:
    """The three details in words, for staff pages and a subject access copy ("Not recorded" when empty)."""
    return {
        "Disability": DISABILITY.get(disability, "Not recorded"),
        "Ethnicity": f"{ETHNICITY[ethnicity][0]} ({ethnicity})" if ethnicity in ETHNICITY else "Not recorded",
        "Gender": GENDER.get(gender, "Not recorded"),
    }
