"""Questions as data: one TOML file per part (views.toml, menu.toml, after.toml) that a service can edit,
and the sorting mats (mats.toml), whose option cards become questions of part "mat".

Answers store question and choice *ids*, never wording, so wording and translations can change
without breaking old statements. Wording is an English msgid that Babel translates at render time.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = ("views", "menu", "after", "explain")  # and the sorting mats (mats.toml, part "mat")
KINDS = frozenset({"choice", "multi", "scale", "text", "people"})
VERSIONS = frozenset({"younger", "older"})
# "houses": the three houses (Signs of Safety), asked on a child protection plan and, when the service
# setting VOICE_APP_THREE_HOUSES_FOR_CARED_FOR is on (the default), of children in care too.
AUDIENCES = frozenset({"all", "cared_for", "cp", "houses"})
OPTIONAL_PARTS = frozenset({"after", "explain"})
ATTENTION_KINDS = frozenset({"", "worry", "request"})
# Which meeting a statement is for: some menu items fit only one (a conference's chair is never the child).
# A young person's conference is a conference too: it is asked the conference's questions and its own.
YOUNG_PERSONS_CONFERENCE = "young_persons_conference"
MEETINGS = frozenset({"any", "cared_for_review", "conference", YOUNG_PERSONS_CONFERENCE})
# The meetings a question marked with a meeting is asked before.
ASKED_BEFORE = {"conference": ("conference", YOUNG_PERSONS_CONFERENCE)}
# Offered by the flow on every Child's Menu item; stored as choice ids, so no question may use them.
MENU_EXTRA_CHOICES = ("dont_mind", "dont_say")
# Views questions that staff see in a section of their own: "identity" is the child's "Who I am" card
# (family, faith, culture, language, food, hair and skin, pride in where they come from: issue 32).
SECTIONS = frozenset({"", "identity"})


class BankError(ValueError):
    """The question files are not valid; the message names the file, question and problem."""


@dataclass(frozen=True)
class Choice:
    id: str
    label: str  # English msgid
    symbol: str  # file name in static/icons without .svg
    # "worry" or "request": choosing this card puts the answer first on the IRO's statement page,
    # as something to look into or as something the child asked for. The child is never told.
    attention: str = ""


@dataclass(frozen=True)
class ShowIf:
    question: str
    any_of: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    part: str  # "views", "menu", "after" (how the last meeting went) or "explain" (what happens at my meeting)
    kind: str  # choice | multi | scale | text | people
    prompt: str  # English msgid, short and kind
    symbol: str
    choices: tuple[Choice, ...] = ()
    versions: frozenset[str] = VERSIONS
    audience: str = "all"  # all | cared_for | cp
    meeting: str = "any"  # any | cared_for_review | conference | young_persons_conference: the meeting the statement is for
    allow_text: bool = False  # older children may add their own words
    text_prompt: str = ""
    scale_low: str = ""  # labels for the ends of a 0-10 scale
    scale_high: str = ""
    show_if: ShowIf | None = None
    # Menu items: what the IRO's meeting plan calls this choice (staff wording, English only).
    plan_label: str = ""
    # Menu items whose answer stays out of exports meant for the meeting (e.g. topics not to raise there).
    keep_out_of_meeting: bool = False
    # AnswerChoice.position for this question's choices: 0 = wanted, 1 = not wanted (who attends).
    position: int = 0
    # "What happens at my meeting": a few words explaining the step, read aloud with the prompt.
    explain: str = ""
    # After-the-meeting questions: show the child what they asked for on the Child's Menu beside it.
    show_menu: bool = False
    # Scale questions: an answer at or below this number needs the IRO's attention (e.g. 3 on "how safe").
    attention_at_most: int | None = None
    # "" or "identity": the statement page, the PDF and the JSON show identity answers as "Who I am".
    section: str = ""
    # Sorting-mat cards (mats.toml): the mat this card is on; its choices are the mat's scale points.
    mat: str = ""
    # A child's own photo on a mat (child/photos.py): the MatPhoto row's id; its prompt is then the label the IRO
    # typed (the child's words, never a msgid: shown and read aloud as they are). 0 for every card of the bank.
    photo: int = 0

    def choice(self, choice_id: str) -> Choice | None:
        """The choice with this id, if the question has it."""
        return next((c for c in self.choices if c.id == choice_id), None)

    def applies_to(
        self, *, version: str, cared_for: bool, on_cp_plan: bool, meeting: str | None = None, houses_for_cared_for: bool = True
    ) -> bool:
        """Whether a child with this version and status is asked this question, before this meeting (None: not known)."""
        if version == "mat" and self.part != "mat":
            version = "younger"  # the sorting mat's child gets the younger version of every other part
        if version not in self.versions:
            return False
        if self.meeting == YOUNG_PERSONS_CONFERENCE and meeting != YOUNG_PERSONS_CONFERENCE:
            return False  # the young person's own questions are never asked of anyone else
        if meeting is not None and self.meeting != "any" and meeting not in ASKED_BEFORE.get(self.meeting, (self.meeting,)):
            return False
        if self.audience == "cp":
            return on_cp_plan
        if self.audience == "cared_for":
            return cared_for
        if self.audience == "houses":
            return on_cp_plan or (cared_for and houses_for_cared_for)
        return True

    def attention_choices(self, choice_ids) -> tuple[str, ...]:
        """The chosen cards that need the IRO's attention, in the order given."""
        flagged = {c.id for c in self.choices if c.attention}
        return tuple(choice for choice in choice_ids if choice in flagged)

    def needs_attention(self, *, choices=(), scale: int | None = None) -> bool:
        """Whether an answer with these cards or this number needs the IRO's attention."""
        if self.attention_choices(choices):
            return True
        return scale is not None and self.attention_at_most is not None and scale <= self.attention_at_most


@dataclass(frozen=True)
class QuestionBank:
    questions: tuple[Question, ...]
    by_id: dict[str, Question] = field(default_factory=dict)
    mats: tuple = ()  # the sorting mats (mats.toml, Mat below), whose cards are also in `questions`
    # for_child's answers, kept for the bank's life: a bank never changes once read (a new catalogue means a new bank).
    _asked: dict[tuple, tuple[Question, ...]] = field(default_factory=dict, compare=False, repr=False)

    def get(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)

    def mat(self, mat_id: str | None):
        """The sorting mat with this id, if the bank has it."""
        return next((m for m in self.mats if m.id == mat_id), None)

    def for_child(
        self,
        *,
        parts: tuple[str, ...],
        version: str,
        cared_for: bool,
        on_cp_plan: bool,
        meeting: str | None = None,
        houses_for_cared_for: bool = True,
    ) -> list[Question]:
        """The questions this child is asked before this meeting, part by part in the order of `parts` (show_if later)."""
        key = (tuple(parts), version, cared_for, on_cp_plan, meeting, houses_for_cared_for)
        if key not in self._asked:
            self._asked[key] = tuple(self._for_child(*key))
        return list(self._asked[key])

    def _for_child(
        self, parts: tuple[str, ...], version: str, cared_for: bool, on_cp_plan: bool, meeting: str | None, houses_for_cared_for: bool
    ) -> list[Question]:
        asked = [
            q
            for q in self.questions
            if q.part in parts
            and q.applies_to(
                version=version, cared_for=cared_for, on_cp_plan=on_cp_plan, meeting=meeting, houses_for_cared_for=houses_for_cared_for
            )
        ]
        return sorted(asked, key=lambda q: parts.index(q.part))  # stable: the bank's order within a part


def _parse_question(raw: dict, *, part: str, source: str) -> Question:
    where = f"{source}: question {raw.get('id', '?')!r}"
    try:
        choices = tuple(
            Choice(id=c["id"], label=c["label"], symbol=c["symbol"], attention=c.get("attention", ""))
            for c in raw.get("choices", [])
        )
        show_if = raw.get("show_if")
        question = Question(
            id=raw["id"],
            part=part,
            kind=raw["kind"],
            prompt=raw["prompt"],
            symbol=raw["symbol"],
            choices=choices,
            versions=frozenset(raw.get("versions", sorted(VERSIONS))),
            audience=raw.get("audience", "all"),
            meeting=raw.get("meeting", "any"),
            allow_text=bool(raw.get("allow_text", False)),
            text_prompt=raw.get("text_prompt", ""),
            scale_low=raw.get("scale_low", ""),
            scale_high=raw.get("scale_high", ""),
            show_if=ShowIf(show_if["question"], tuple(show_if["any_of"])) if show_if else None,
            plan_label=raw.get("plan_label", ""),
            keep_out_of_meeting=bool(raw.get("keep_out_of_meeting", False)),
            position=int(raw.get("position", 0)),
            attention_at_most=int(raw["attention_at_most"]) if "attention_at_most" in raw else None,
            show_menu=bool(raw.get("show_menu", False)),
            explain=raw.get("explain", ""),
            section=raw.get("section", ""),
        )
    except KeyError as exc:
        raise BankError(f"{where} is missing {exc.args[0]!r}") from exc
    if question.kind not in KINDS:
        raise BankError(f"{where} has unknown kind {question.kind!r}")
    if not question.versions <= VERSIONS or not question.versions:
        raise BankError(f"{where} has versions {sorted(question.versions)}; use younger and/or older")
    if question.audience not in AUDIENCES:
        raise BankError(f"{where} has audience {question.audience!r}; use all, cared_for, cp or houses")
    if question.meeting not in MEETINGS:
        raise BankError(f"{where} has meeting {question.meeting!r}; use any, cared_for_review or conference")
    if question.section not in SECTIONS:
        raise BankError(f"{where} has section {question.section!r}; use identity or leave it out")
    if question.section and question.part != "views":
        raise BankError(f"{where} has a section, which only a views question may have")
    if any(c.attention not in ATTENTION_KINDS for c in question.choices):
        raise BankError(f"{where} has a card whose attention is not one of {sorted(ATTENTION_KINDS)}")
    if question.attention_at_most is not None and (question.kind != "scale" or not 0 <= question.attention_at_most <= 10):
        raise BankError(f"{where} has attention_at_most, which only a scale question may have (0 to 10)")
    if question.kind in {"choice", "multi", "people"} and not question.choices:
        raise BankError(f"{where} needs choices")
    ids = [c.id for c in question.choices]
    if len(ids) != len(set(ids)):
        raise BankError(f"{where} repeats a choice id")
    if set(ids) & set(MENU_EXTRA_CHOICES):
        raise BankError(f"{where} uses a choice id kept for the menu's extra answers {MENU_EXTRA_CHOICES}")
    return question


# ----- Sorting mats (mats.toml) -----------------------------------------------------------------------------------
# Topics whose option cards a child places under a scale of 2 to 5 points. Each option card becomes a question of
# part "mat" (kind "choice", its choices the scale's points), so a placement is stored, checked, queued and answered
# exactly like any other answer. The question id is "mat.<mat id>.<option id>".
MAT_PART = "mat"
MAT_VERSION = "mat"
POINTS_RANGE = (2, 5)


@dataclass(frozen=True)
class Mat:
    """One topic: its title and symbol, its scale's points (as choices) and its option cards (as questions)."""

    id: str
    title: str  # English msgid
    symbol: str
    scale_id: str
    points: tuple[Choice, ...]
    cards: tuple[Question, ...]
    # The Child's Menu as a mat: what a point means ("wanted" / "not_wanted", by point id), and each card's menu
    # choices (card question id -> (when wanted, when not wanted), each a (menu item id, choice id) or None).
    means: dict = field(default_factory=dict, compare=False)
    menu: dict = field(default_factory=dict, compare=False)

    def point(self, point_id: str) -> Choice | None:
        return next((p for p in self.points if p.id == point_id), None)


def card_id(mat_id: str, option_id: str) -> str:
    """The question id of one option card on one mat."""
    return f"{MAT_PART}.{mat_id}.{option_id}"


# The child's own photos on a mat (added at hand-over, for one statement): "mat.<mat id>.photo-<n>", n from 1.
PHOTO_OPTION = "photo-"


def photo_card_id(mat_id: str, number: int) -> str:
    """The question id of the child's n-th own photo on one mat of one statement."""
    return card_id(mat_id, f"{PHOTO_OPTION}{number}")


def is_photo_card(question_id: str) -> bool:
    """Whether a question id names one of the child's own photos on a mat (not a card of the bank)."""
    return mat_id_of(question_id) is not None and question_id.split(".")[2].startswith(PHOTO_OPTION)


def mat_id_of(question_id: str) -> str | None:
    """The mat a question id belongs to, or None for any other question."""
    parts = question_id.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == MAT_PART else None


MEANS = frozenset({"wanted", "not_wanted"})


def _menu_ref(raw: str | None, where: str) -> tuple[str, str] | None:
    """A menu choice named "<menu item id>.<choice id>" (checked against menu.toml by load_bank)."""
    if raw is None:
        return None
    item, dot, choice = raw.partition(".")
    if not dot or not item or not choice:
        raise BankError(f"{where} names menu choice {raw!r}; write it as <menu item id>.<choice id>")
    return item, choice


def _points(raw: dict, source: str) -> tuple[str, tuple[Choice, ...]]:
    where = f"{source}: scale {raw.get('id', '?')!r}"
    try:
        points = tuple(
            Choice(id=p["id"], label=p["label"], symbol=p["symbol"], attention=p.get("attention", "")) for p in raw["points"]
        )
        scale_id = raw["id"]
    except KeyError as exc:
        raise BankError(f"{where} is missing {exc.args[0]!r}") from exc
    if not POINTS_RANGE[0] <= len(points) <= POINTS_RANGE[1]:
        raise BankError(f"{where} has {len(points)} points; a scale has 2 to 5")
    ids = [p.id for p in points]
    if len(set(ids)) != len(ids) or set(ids) & set(MENU_EXTRA_CHOICES):
        raise BankError(f"{where} repeats a point id or uses one kept for the menu {MENU_EXTRA_CHOICES}")
    if any(p.attention not in ATTENTION_KINDS for p in points):
        raise BankError(f"{where} has a point whose attention is not one of {sorted(ATTENTION_KINDS)}")
    if any(p.get("means", "wanted") not in MEANS for p in raw["points"]):
        raise BankError(f"{where} has a point whose means is not one of {sorted(MEANS)}")
    return scale_id, points


def _means(raw: dict) -> dict[str, str]:
    return {p["id"]: p["means"] for p in raw.get("points", []) if "means" in p}


def load_mats(path: Path) -> tuple[Mat, ...]:
    """Read and check mats.toml: every mat names a known scale and has option cards with unique ids."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    scales = dict(_points(raw, path.name) for raw in data.get("scale", []))
    means = {raw["id"]: _means(raw) for raw in data.get("scale", [])}
    mats: list[Mat] = []
    for raw in data.get("mat", []):
        where = f"{path.name}: mat {raw.get('id', '?')!r}"
        try:
            mat_id, scale_id, options = raw["id"], raw["scale"], raw["options"]
            title, symbol = raw["title"], raw["symbol"]
            if "." in mat_id or any("." in o["id"] for o in options):
                raise BankError(f"{where}: ids may not contain a dot")
            if any(o["id"].startswith(PHOTO_OPTION) for o in options):
                raise BankError(f"{where}: an option id may not start with {PHOTO_OPTION!r} (kept for the child's own photos)")
            if scale_id not in scales:
                raise BankError(f"{where} uses unknown scale {scale_id!r}")
            cards = tuple(
                Question(
                    id=card_id(mat_id, o["id"]),
                    part=MAT_PART,
                    kind="choice",
                    prompt=o["label"],
                    symbol=o["symbol"],
                    choices=scales[scale_id],
                    versions=frozenset({MAT_VERSION}),
                    meeting=o.get("meeting", "any"),
                    mat=mat_id,
                )
                for o in options
            )
            menu = {
                card_id(mat_id, o["id"]): (_menu_ref(o.get("menu"), where), _menu_ref(o.get("menu_not_wanted"), where))
                for o in options
                if "menu" in o or "menu_not_wanted" in o
            }
        except KeyError as exc:
            raise BankError(f"{where} is missing {exc.args[0]!r}") from exc
        if not cards:
            raise BankError(f"{where} needs options")
        if len({c.id for c in cards}) != len(cards):
            raise BankError(f"{where} repeats an option id")
        if any(c.meeting not in MEETINGS for c in cards):
            raise BankError(f"{where} has an option whose meeting is not one of {sorted(MEETINGS)}")
        if menu and "wanted" not in means[scale_id].values():
            raise BankError(f"{where} has menu choices, so its scale needs a point with means = \"wanted\"")
        mats.append(Mat(mat_id, title, symbol, scale_id, scales[scale_id], cards, means=means[scale_id], menu=menu))
    if len({m.id for m in mats}) != len(mats):
        raise BankError(f"{path.name} repeats a mat id")
    return tuple(mats)


def load_bank(folder: Path = HERE, *, icons: Path | None = None) -> QuestionBank:
    """Read and check views.toml, menu.toml, after.toml, explain.toml and mats.toml; every symbol must exist when `icons` is given."""
    questions: list[Question] = []
    for part in PARTS:
        path = folder / f"{part}.toml"
        if part in OPTIONAL_PARTS and not path.exists():
            continue  # a service's own bank from before these parts existed
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for raw in data.get("question", []):
            questions.append(_parse_question(raw, part=part, source=path.name))
    mats = ()
    if (folder / "mats.toml").exists():  # a service's own bank from before the sorting mats has none
        mats = load_mats(folder / "mats.toml")
        questions.extend(card for mat in mats for card in mat.cards)
    by_id: dict[str, Question] = {}
    for question in questions:
        if question.id in by_id:
            raise BankError(f"question id {question.id!r} is used twice")
        by_id[question.id] = question
    for question in questions:
        if question.show_if and question.show_if.question not in by_id:
            raise BankError(f"{question.id!r} depends on unknown question {question.show_if.question!r}")
        if icons is not None:
            for symbol in [question.symbol, *(c.symbol for c in question.choices)]:
                if not (icons / f"{symbol}.svg").is_file():
                    raise BankError(f"{question.id!r} uses symbol {symbol!r}, which is not in {icons}")
    for mat in mats:
        for card, refs in mat.menu.items():
            for ref in refs:
                item = by_id.get(ref[0]) if ref else None
                if ref and (item is None or item.part != "menu" or item.choice(ref[1]) is None):
                    raise BankError(f"{card!r} names menu choice {'.'.join(ref)!r}, which menu.toml does not have")
    if icons is not None:
        for mat in mats:
            if not (icons / f"{mat.symbol}.svg").is_file():
                raise BankError(f"mat {mat.id!r} uses symbol {mat.symbol!r}, which is not in {icons}")
    return QuestionBank(questions=tuple(questions), by_id=by_id, mats=mats)


@lru_cache(maxsize=1)
def default_bank() -> QuestionBank:
    """The bank shipped with the app, read once."""
    from voice_app.config import PROJECT_ROOT

    return load_bank(icons=PROJECT_ROOT / "static" / "icons")
