"""A sorting-mat placement beside a question step: the server's time and the bytes on the wire for each.

Run: .venv/bin/python bench/mat_placements.py [--rounds 3]
One tablet at a time (no crowd: bench/child_answers.py measures that), on SQLite, asking as the browser does
(htmx headers, brotli, the symbol sprite kept). Each round hands over two fresh tablets: a younger conversation,
every views question answered with its first card, and a sorting mat conversation, every card of every mat placed
under the scale's first point (a mat's last card brings the whole mat back). Prints, for the answer POSTs of
each, the server's CPU (time.thread_time around the WSGI app) as median and p95, and the bytes sent (status
line, headers and brotli body) as median and largest.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from child_answers import Tablet, answer_plan, bench_settings, open_page, percentile, seed, serve  # bench/child_answers.py

from voice_app import create_app
from voice_app.models import FlowVersion
from voice_app.passwords import use_fast_hashing_for_tests
from voice_app.questions.bank import default_bank
from voice_app.security import CHILD_MODE_KEY


def mat_plan() -> list[tuple[str, str, dict]]:
    """Every card of every mat, placed under the first point, each with its own client id: (mat, card, fields)."""
    plan = []
    for mat in default_bank().mats:
        for card in mat.cards:
            plan.append((mat.id, card.id, {"choice": mat.points[0].id, "client_id": f"mat{len(plan):029d}"}))
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="fresh tablets of each kind, one after another")
    args = parser.parse_args()
    use_fast_hashing_for_tests()
    folder = tempfile.mkdtemp(prefix="voice-bench-mat-")
    url = f"sqlite:///{folder}/bench.db"
    states = seed(url, 0, versions=(FlowVersion.YOUNGER, FlowVersion.MAT) * args.rounds)
    context = multiprocessing.get_context("fork")
    ready, results, done = context.Queue(), context.Queue(), context.Event()
    server = context.Process(target=serve, args=(url, 2, ready, done, results), daemon=True)
    server.start()
    port = ready.get(timeout=30)
    signer = create_app(settings=bench_settings(url))
    serializer = signer.session_interface.get_signing_serializer(signer)

    kinds: list[str] = []  # "question" or "mat", in the order the server timed each answer POST
    wire: dict[str, list[int]] = {"question": [], "mat": []}
    for state in states:
        tablet = Tablet(port, serializer.dumps({CHILD_MODE_KEY: state["state"]}))
        statement = state["statement"]
        open_page(tablet, statement)
        if state["version"] == FlowVersion.YOUNGER:
            views = [(qid, fields) for qid, fields in answer_plan(state["child"]) if default_bank().get(qid).part == "views"]
            for question_id, fields in views:
                tablet.request("POST", f"/child/statements/{statement}/questions/{question_id}", fields, {"HX-Request": "true"})
                kinds.append("question")
                wire["question"].append(tablet.wire)
        else:
            opened = None
            for mat_id, card_id, fields in mat_plan():
                if mat_id != opened:  # the child taps the mat's topic first
                    tablet.request("GET", f"/child/statements/{statement}/mats/{mat_id}", headers={"HX-Request": "true"})
                    opened = mat_id
                tablet.request("POST", f"/child/statements/{statement}/questions/{card_id}", fields, {"HX-Request": "true"})
                kinds.append("mat")
                wire["mat"].append(tablet.wire)
    done.set()
    _times, cpu, _gets = results.get(timeout=30)
    server.join(timeout=10)
    assert len(cpu) == len(kinds), (len(cpu), len(kinds))
    print(f"One tablet at a time on SQLite, {args.rounds} round(s): server CPU and bytes on the wire per answer POST")
    for kind, label in (("question", "question step (younger views)"), ("mat", "mat placement (every mat, every card)")):
        ms = [c * 1000 for c, k in zip(cpu, kinds, strict=True) if k == kind]
        sizes = wire[kind]
        print(
            f"  {label:40s} n={len(ms):3d}  CPU median {statistics.median(ms):5.2f} ms, p95 {percentile(ms, 0.95):5.2f} ms;"
            f"  bytes median {statistics.median(sizes):5.0f}, largest {max(sizes):5d}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
