"""Statements with answers for tests, and a small question bank that has every kind of question."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from voice_app.models import (
    Answer,
    AnswerChoice,
    Child,
    FlowVersion,
    Sharing,
    StaffUser,
    Statement,
    StatementEnd,
    Visit,
    utcnow,
)
from voice_app.questions.bank import QuestionBank, load_bank

VIEWS_TOML = '''
[[question]]
id = "feel-today"
kind = "choice"
prompt = "How do you feel today?"
symbol = "guide"
allow_text = true
choices = [
  { id = "happy", label = "Happy", symbol = "feel-happy" },
  { id = "sad", label = "Sad", symbol = "feel-sad" },
]

[[question]]
id = "good-things"
kind = "multi"
prompt = "What is good at home?"
symbol = "home"
choices = [
  { id = "food", label = "Food", symbol = "apple" },
  { id = "bed", label = "My own bed", symbol = "bed" },
  { id = "books", label = "Books", symbol = "books" },
]

[[question]]
id = "safe-scale"
kind = "scale"
prompt = "How safe do you feel?"
symbol = "safe"
scale_low = "Not safe at all"
scale_high = "Really safe"
attention_at_most = 3

[[question]]
id = "tell-iro"
kind = "text"
prompt = "Is there anything you want your IRO to know?"
symbol = "pencil"

[[question]]
id = "worries"
kind = "choice"
prompt = "Is anything worrying you?"
symbol = "feel-worried"
choices = [
  { id = "yes", label = "Yes", symbol = "thumbs-up" },
  { id = "no", label = "No", symbol = "thumbs-down" },
]
'''

MENU_TOML = '''
[[question]]
id = "menu-format"
kind = "choice"
prompt = "How would you like your meeting to happen?"
symbol = "meeting-face-to-face"
plan_label = "Format"
choices = [
  { id = "face_to_face", label = "Face to face, in a room", symbol = "meeting-face-to-face" },
  { id = "virtual", label = "On a video call", symbol = "meeting-virtual" },
  { id = "hybrid", label = "Some in the room, some on a screen", symbol = "meeting-hybrid" },
]

[[question]]
id = "menu-who"
kind = "people"
prompt = "Who would you like at your meeting?"
symbol = "family"
plan_label = "Invite list"
choices = [
  { id = "mum", label = "%(Mum)s", symbol = "mum" },
  { id = "dad", label = "Dad", symbol = "dad" },
  { id = "carer", label = "My carer", symbol = "carer" },
  { id = "teacher", label = "My teacher", symbol = "teacher" },
]

[[question]]
id = "menu-chair"
kind = "choice"
prompt = "Who would you like to run the meeting: you or your %(iro)s?"
symbol = "chair-me"
plan_label = "Who chairs"
choices = [
  { id = "iro", label = "My IRO", symbol = "chair-iro" },
  { id = "child", label = "Me", symbol = "chair-me" },
  { id = "child_and_iro", label = "Me and my IRO together", symbol = "chair-together" },
  { id = "social_worker", label = "My social worker", symbol = "chair-social-worker" },
]

[[question]]
id = "menu-time"
kind = "choice"
prompt = "When would you like it?"
symbol = "clock"
plan_label = "Time"
choices = [
  { id = "school_time", label = "In school time", symbol = "time-school" },
  { id = "after_school", label = "After school", symbol = "time-after-school" },
]

[[question]]
id = "menu-private"
kind = "text"
prompt = "Is there anything you don't want talked about in front of everyone?"
symbol = "private-topic"
plan_label = "Keep out of the full meeting"
keep_out_of_meeting = true
'''


def small_bank(tmp_path: Path) -> QuestionBank:
    """A bank with one question of every kind, including the menu's format, people and chair items."""
    (tmp_path / "views.toml").write_text(VIEWS_TOML, encoding="utf-8")
    (tmp_path / "menu.toml").write_text(MENU_TOML, encoding="utf-8")
    from voice_app.config import PROJECT_ROOT

    return load_bank(tmp_path, icons=PROJECT_ROOT / "static" / "icons")


@dataclass
class AnswerSpec:
    question_id: str
    choices: list[str] = field(default_factory=list)
    not_wanted: list[str] = field(default_factory=list)
    text: str | None = None
    scale: int | None = None
    skipped: bool = False
    scribed: bool = False


ARABIC_WORDS = "أريد أن أرى أمي كل أسبوع"
LONG_WORD = "Supercalifragilistic" * 12

# One answer of every kind, with the child's own words in several scripts and tricky characters.
EVERY_KIND = [
    AnswerSpec("feel-today", ["happy"], text="I like my new school <script>alert('x')</script> & my friends 😀"),
    AnswerSpec("good-things", ["food", "bed", "retired-choice"]),
    AnswerSpec("safe-scale", scale=7),
    AnswerSpec("tell-iro", text=f"{ARABIC_WORDS}\nline two\n\n  indented {LONG_WORD}"),
    AnswerSpec("worries", skipped=True),
    AnswerSpec("removed-question", ["old-card"], text="Words for a question that has gone"),
    AnswerSpec("menu-format", ["hybrid"]),
    AnswerSpec("menu-who", ["mum", "carer", "teacher"], not_wanted=["dad"]),
    AnswerSpec("menu-chair", ["child"]),
    AnswerSpec("menu-time", ["dont_mind"]),
    AnswerSpec("menu-private", text="Dad's drinking"),
]


def make_statement(
    db: Session,
    *,
    child: Child,
    visit: Visit,
    answers: list[AnswerSpec] | None = None,
    scribe: StaffUser | None = None,
    sharing: Sharing | None = Sharing.MEETING,
    finished: bool = True,
    language: str = "en-GB",
    version: FlowVersion = FlowVersion.OLDER,
) -> Statement:
    """A statement for a visit with these answers (defaults to one of every kind)."""
    started = utcnow() - timedelta(minutes=40)
    statement = Statement(
        child_id=child.id,
        visit_id=visit.id,
        version=version,
        language=language,
        scribed=scribe is not None,
        scribe_id=scribe.id if scribe else None,
        started_at=started,
        ended_at=started + timedelta(minutes=25) if finished else None,
        end_reason=StatementEnd.FINISHED if finished else None,
        sharing=sharing,
    )
    db.add(statement)
    db.commit()
    db.refresh(statement)
    for n, spec in enumerate(EVERY_KIND if answers is None else answers):
        answer = Answer(
            statement_id=statement.id,
            question_id=spec.question_id,
            scale=spec.scale,
            text=spec.text,
            skipped=spec.skipped,
            scribed=spec.scribed,
            answered_at=started + timedelta(minutes=n),
        )
        db.add(answer)
        db.commit()
        db.refresh(answer)
        for choice_id in spec.choices:
            db.add(AnswerChoice(answer_id=answer.id, choice_id=choice_id, position=0))
        for choice_id in spec.not_wanted:
            db.add(AnswerChoice(answer_id=answer.id, choice_id=choice_id, position=1))
        db.commit()
    return statement

