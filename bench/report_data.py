"""Make a large authority's ten years of data for the report benchmark, in SQLite and PostgreSQL.

    /work/venv/bin/python bench/report_data.py [--sqlite FILE] [--postgres URL] [--scale 1.0]

At scale 1: about 33,000 children, 200,000 reviews, 150,000 visits, 200,000 statements (with about
two million answers), 50,000 parents' responses, from April 2016 to March 2026. Rows are made once
and written to every database given, in bulk (SQLAlchemy core executemany), never one ORM object at
a time. The PostgreSQL URL may also come from VOICE_APP_BENCH_POSTGRES_URL. Existing tables are dropped.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from voice_app.db import make_engine  # noqa: E402
from voice_app.migrate import upgrade  # noqa: E402

FIRST_DAY, LAST_DAY = date(2016, 4, 1), date(2026, 3, 31)
DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "instance" / "bench-report.db"
CHUNK = 20_000
NAMES = "Aisha Ben Chloe Dawit Ella Farah Harvey Isla Jack Kasia Leo Mariam Noah Olivia Priya Quinn Ruby Sami Tia Umar Vera Will Yusuf Zara".split()
LANGUAGES = [("en-GB", 88), ("pl", 3), ("ar", 2), ("ti", 2), ("fa", 1.5), ("ckb", 1), ("ro", 1), ("ur", 0.8), ("ps", 0.5), ("cy", 0.2)]
# (question id, kind, choices): the bank's ids where it has them, plausible ones for the rest.
VIEWS = [
    ("feel-today", "choice", ["happy", "ok", "sad", "angry", "worried", "scared"]),
    ("safe-scale", "scale", []),
    ("home", "choice", ["good", "ok", "not_good"]),
    ("school", "choice", ["happy", "ok", "unhappy", "not_at_school"]),
    ("worries", "multi", ["home", "school", "family", "friends", "health", "money", "nothing"]),
    ("who-comes", "people", ["mam", "dad", "carer", "social_worker", "teacher", "nan", "advocate"]),
    ("anything-else", "text", []),
]
MENU = [
    ("menu-format", "choice", ["face_to_face", "virtual", "hybrid", "dont_mind"]),
    ("menu-chair", "choice", ["iro", "me", "together", "social_worker"]),
    ("menu-share", "choice", ["i_speak", "iro_reads", "advocate", "letter"]),
    ("menu-place", "choice", ["home", "school", "office", "dont_mind"]),
]
WEIGHTS = {"feel-today": [30, 30, 12, 8, 14, 6], "menu-format": [55, 25, 12, 8], "menu-chair": [70, 6, 12, 12], "school": [40, 35, 20, 5]}
REASONS = [
    "{name} said they did not want to talk this time.",
    "Spoke to the IRO on the phone instead and did not want a visit.",
    "{name} was on a school trip and said to go ahead without a visit.",
    "Did not want to miss football practice.",
    "{name} ({ref}) said they are happy with how things are and do not need a visit.",
    "Preferred to write a letter for the review.",
]
WE_DID = [
    "You said you wanted the meeting at school. We held it at school after lunch.",
    "{name}, you asked for your nan to come. We invited her and she came.",
    "You told us you were worried about family time. We talked to your social worker and it is now every Saturday.",
    "You said the meetings are too long. We kept yours to 30 minutes.",
    "You asked to chair part of the meeting. You chaired the start and did really well.",
]


class Writer:
    """Sends each chunk of rows to every database, in one executemany per table and chunk."""

    def __init__(self, engines: list[sa.Engine]) -> None:
        self.connections = [engine.connect() for engine in engines]
        self.pending: dict[str, list[dict]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, row: dict) -> None:
        rows = self.pending.setdefault(table, [])
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write every table's pending rows, parents before children (foreign keys)."""
        for name in [table.name for table in SQLModel.metadata.sorted_tables]:
            rows = self.pending.pop(name, [])
            if not rows:
                continue
            self.counts[name] = self.counts.get(name, 0) + len(rows)
            for connection in self.connections:
                connection.execute(SQLModel.metadata.tables[name].insert(), rows)
                connection.commit()

    def close(self) -> None:
        for connection in self.connections:
            connection.close()


def fresh_schema(url: str) -> sa.Engine:
    """Drop everything and migrate from scratch, so the benchmark uses the real indexes."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        path = Path(sa.engine.make_url(url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = make_engine(url)
    else:
        SQLModel.metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(url)
    return engine


def at(day: date, rng: random.Random) -> datetime:
    """A working-hours instant on a day (as UTC; the hour of day does not matter here)."""
    return datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=UTC)


def pick(rng: random.Random, options: list, weights: list | None = None):
    return rng.choices(options, weights=weights)[0]


def generate(writer: Writer, *, scale: float, seed: int) -> None:
    rng = random.Random(seed)
    password = "not-a-real-hash"
    iro_ids = list(range(1, 41))
    for staff_id in range(1, 44):
        role = "iro" if staff_id <= 40 else "manager"
        writer.add("staff_user", dict(id=staff_id, email=f"staff{staff_id}@example.org", display_name=f"Staff {staff_id}", role=role,
                                      password_hash=password, active=True, failed_logins=0, created_at=datetime(2016, 1, 1, tzinfo=UTC)))
    writer.flush()
    ids = {"review": 0, "visit": 0, "statement": 0, "answer": 0, "decision": 0, "response": 0, "parent": 0}
    cp_reviews: list[tuple[int, date, str]] = []
    span = (LAST_DAY - FIRST_DAY).days
    for child_id in range(1, int(33_000 * scale) + 1):
        name = pick(rng, NAMES)
        ref = f"LL-{100000 + child_id}"
        cp = rng.random() < 0.4
        since = FIRST_DAY + timedelta(days=rng.randint(-700, span - 30))
        birth = since - timedelta(days=rng.randint(365 * 3, 365 * 16))
        language = pick(rng, [code for code, _ in LANGUAGES], [w for _, w in LANGUAGES])
        iro = pick(rng, iro_ids)
        writer.add("child", dict(id=child_id, preferred_name=name, case_reference=ref, date_of_birth=birth, preferred_language=language,
                                 communication_needs="", iro_id=iro, cared_for=not cp, cared_for_since=None if cp else since, on_cp_plan=cp,
                                 cp_plan_since=since if cp else None, active=True, created_at=at(min(since, LAST_DAY), rng)))
        stay_ends = since + timedelta(days=int(rng.expovariate(1 / 1300)) + 60)
        day = since + timedelta(days=15 if cp else 20)
        number = 0
        while day <= min(stay_ends, LAST_DAY):
            if day >= FIRST_DAY:
                review_child(writer, rng, ids, child_id=child_id, name=name, ref=ref, iro=iro, cp=cp, number=number, day=day,
                             birth=birth, language=language, cp_reviews=cp_reviews)
            number += 1
            day += timedelta(days=(90 if number == 1 else 182) + rng.randint(-10, 10))
    writer.flush()
    parents(writer, rng, ids, cp_reviews, wanted=int(50_000 * scale))
    writer.flush()


def review_child(writer: Writer, rng, ids, *, child_id, name, ref, iro, cp, number, day, birth, language, cp_reviews) -> None:
    """One review with its visit, statements, answers, decisions and responses."""
    ids["review"] += 1
    review_id = ids["review"]
    kind = "cp_conference" if cp else "cared_for"
    stage = ("initial_conference" if number == 0 else "review_conference") if cp else ("initial", "second")[number] if number < 2 else "subsequent"
    held = rng.random() > 0.03
    recent = day >= date(2021, 4, 1)
    writer.add("review", dict(
        id=review_id, child_id=child_id, kind=kind, stage=stage, scheduled_for=day, held_on=day if held else None,
        status="held" if held else "cancelled", chair_id=iro, created_at=at(day - timedelta(days=40), rng),
        format_used=pick(rng, ["face_to_face", "virtual", "hybrid", None], [50, 20, 10, 20]) if held and recent else None,
        chaired_by=pick(rng, ["iro", "child", "child_and_iro", "social_worker", None], [70, 3, 5, 2, 20]) if held and recent else None,
    ))
    if cp and held:
        cp_reviews.append((review_id, day, stage))
    if rng.random() > (0.45 if cp else 0.95):
        return
    ids["visit"] += 1
    visit_id = ids["visit"]
    status = pick(rng, ["done", "declined", "planned"], [90, 8, 2])
    # A few visits happen after the review (it was brought forward): their statements do not count for it.
    held_on = day + timedelta(days=rng.randint(-21, -1) if rng.random() > 0.02 else rng.randint(1, 5))
    writer.add("visit", dict(
        id=visit_id, review_id=review_id, iro_id=iro, status=status, planned_for=held_on, held_on=held_on if status == "done" else None,
        method=pick(rng, ["face_to_face", "video_call", "phone"], [70, 18, 12]) if status == "done" else None,
        declined_reason=pick(rng, REASONS).format(name=name, ref=ref) if status == "declined" else None,
        created_at=at(held_on - timedelta(days=14), rng), updated_at=at(held_on, rng),
    ))
    if status != "done":
        return
    for sitting in range(1 + (rng.random() < 0.54)):
        statement(writer, rng, ids, child_id=child_id, name=name, visit_id=visit_id, iro=iro, cp=cp, day=held_on, birth=birth,
                  language=language, parts="views,menu" if sitting == 0 else "menu")


def statement(writer: Writer, rng, ids, *, child_id, name, visit_id, iro, cp, day, birth, language, parts) -> None:
    ids["statement"] += 1
    statement_id = ids["statement"]
    started = at(day, rng)
    end_reason = pick(rng, ["finished", "stopped", None], [85, 12, 3])
    ended = started + timedelta(minutes=rng.randint(4, 45)) if end_reason else None
    writer.add("statement", dict(
        id=statement_id, child_id=child_id, visit_id=visit_id, version="younger" if (day - birth).days < 11 * 365 else "older", parts=parts,
        language=language if rng.random() < 0.7 else "en-GB", scribed=rng.random() < 0.15, started_at=started, updated_at=ended or started,
        ended_at=ended, end_reason=end_reason, sharing=pick(rng, ["meeting", "iro_only", None], [80, 15, 5]), iro_notes="",
    ))
    questions = ([q for q in VIEWS if cp or q[0] != "safe-scale"] if "views" in parts else []) + MENU
    if end_reason == "stopped":
        questions = questions[: rng.randint(1, len(questions))]
    chosen_menu = []
    for question_id, kind, choices in questions:
        ids["answer"] += 1
        answer_id = ids["answer"]
        skipped = rng.random() < 0.07
        scale = rng.choices(range(11), weights=[1, 1, 1, 2, 2, 4, 5, 8, 9, 8, 6])[0] if kind == "scale" and not skipped else None
        writer.add("answer", dict(id=answer_id, statement_id=statement_id, question_id=question_id, scale=scale, skipped=skipped,
                                  text="my own words" if kind == "text" and not skipped else None, scribed=False, answered_at=started, updated_at=started))
        if skipped or not choices:
            continue
        if kind == "choice":
            picked = [(pick(rng, choices, WEIGHTS.get(question_id)), 0)]
            if question_id.startswith("menu-"):
                chosen_menu.append(question_id)
        elif kind == "multi":
            picked = [(c, 0) for c in rng.sample(choices, rng.randint(1, 3))]
        else:
            people = rng.sample(choices, rng.randint(2, 4))
            picked = [(person, 0 if rng.random() < 0.8 else 1) for person in people]
        for choice_id, position in picked:
            writer.add("answer_choice", dict(answer_id=answer_id, choice_id=choice_id, position=position))
    if ended and chosen_menu and rng.random() < 0.7:
        for item in chosen_menu:
            ids["decision"] += 1
            writer.add("menu_decision", dict(id=ids["decision"], statement_id=statement_id, item_id=item, decided_by_id=iro,
                                             outcome=pick(rng, ["agreed", "not_possible"], [85, 15]), reason_for_child="", decided_at=ended + timedelta(days=1)))
    if ended and rng.random() < 0.35:
        for question_id in rng.sample(["feel-today", "school", "worries", "menu-format"], rng.randint(1, 2)):
            ids["response"] += 1
            written = ended + timedelta(days=rng.randint(1, 14), minutes=rng.randint(0, 600))
            writer.add("child_response", dict(id=ids["response"], statement_id=statement_id, question_id=question_id, we_did=pick(rng, WE_DID).format(name=name),
                                              written_by_id=iro, created_at=written, updated_at=written))


def parents(writer: Writer, rng, ids, cp_reviews: list[tuple[int, date, str]], *, wanted: int) -> None:
    """Parents' responses about conferences held: one or two parents for some conferences."""
    answers = ["strongly_agree", "agree", "disagree", "strongly_disagree", None]
    weights = [45, 38, 10, 4, 3]
    for _ in range(min(wanted, 2 * len(cp_reviews))):
        review_id, held_on, stage = pick(rng, cp_reviews)
        ids["parent"] += 1
        row = {f"q{n}": pick(rng, answers, weights) for n in range(1, 5)}
        if rng.random() < 0.06:
            row["q4"] = "not_applicable"
        row["q5"] = pick(rng, answers, weights) if stage == "review_conference" else None
        writer.add("parent_response", dict(id=ids["parent"], review_id=review_id, source="online" if rng.random() < 0.8 else "paper",
                                           submitted_at=at(held_on + timedelta(days=rng.randint(0, 10)), rng), submission_key=f"bench-{ids['parent']}", **row))


def finish(engine: sa.Engine) -> None:
    """Reset PostgreSQL's id sequences past the ids we chose, and refresh the planner's statistics."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 1))"
                    )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def fill(url: str, scale: float, seed: int) -> tuple[float, dict[str, int]]:
    """Recreate one database and write the whole authority into it."""
    began = time.perf_counter()
    engine = fresh_schema(url)
    writer = Writer([engine])
    generate(writer, scale=scale, seed=seed)
    writer.close()
    finish(engine)
    engine.dispose()
    return time.perf_counter() - began, writer.counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=str(DEFAULT_SQLITE), help="SQLite file to (re)create; '' for none")
    parser.add_argument("--postgres", default=os.environ.get("VOICE_APP_BENCH_POSTGRES_URL", ""), help="PostgreSQL URL (its tables are dropped)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args(argv)
    urls = ([f"sqlite:///{args.sqlite}"] if args.sqlite else []) + ([args.postgres] if args.postgres else [])
    if not urls:
        parser.error("give --sqlite and/or --postgres")
    began = time.perf_counter()
    # One process per database (two cores): each makes the same rows from the same seed.
    with multiprocessing.Pool(len(urls)) as pool:
        results = pool.starmap(fill, [(url, args.scale, args.seed) for url in urls])
    for url, (seconds, _counts) in zip(urls, results, strict=True):
        print(f"{sa.engine.make_url(url).render_as_string(hide_password=True)}: {seconds:.0f} s")
    print(f"Done in {time.perf_counter() - began:.0f} s:")
    for table, count in sorted(results[0][1].items()):
        print(f"  {table:16} {count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
