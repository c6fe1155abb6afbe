"""What the hub's pages show, from the service's record: places in the queue, attempts left, each
student's own hand-ins only, the instructors' queue and roster, and pages that keep every value
as text (unit tier: a real record in SQLite, the real templates; no hub, no browser)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from autograder.service.state import ServiceState
from autograder.service.status_view import RateLimit, attempts_left, instructor_view, queue_places, student_view
from autograder.service.web import page_templates
from autograder.service.web_display import Links, instructor_display, student_display
from autograder.service import web_text

HW, LAB = "week12-homework", "week12-lab"
NOW = 1_800_000_000.0
HOUR = RateLimit(per_window=2, window_seconds=3600)
LINKS = Links(prefix="/services/week12-grading/")


@pytest.fixture
def record(tmp_path):
    state = ServiceState(tmp_path / "service.sqlite")
    yield state
    state.close()


def handin(state, folder, student, *, seen, assignment=HW, status="queued", **values):
    row = state.add(folder, assignment, seen=seen, state=status, student=student, owner=student, arrived=seen)
    if values:
        state.update(row.id, **values)
    return state.get(row.id)


def test_queued_handins_take_places_in_the_order_they_were_seen(record):
    later = handin(record, "b", "bob", seen=NOW - 5)
    first = handin(record, "a", "alice", seen=NOW - 9)
    waiting = handin(record, "c", "carol", seen=NOW - 7, status="over_limit", not_before=NOW + 60)
    places = queue_places(record.handins())
    assert places == {first.id: 1, later.id: 2}
    assert waiting.id not in places


def test_attempts_left_count_only_graded_attempts_inside_the_window(record):
    handin(record, "old", "alice", seen=NOW - 4000, status="released", graded=NOW - 3990, counted=1)
    recent = handin(record, "new", "alice", seen=NOW - 100, status="released", graded=NOW - 95, counted=1)
    handin(record, "bad", "alice", seen=NOW - 50, status="not_graded", reason="invalid JSON", counted=0)
    assert attempts_left(record.handins(student="alice"), HOUR, NOW) == (1, None)
    handin(record, "third", "alice", seen=NOW - 20, status="released", graded=NOW - 10, counted=1)
    assert attempts_left(record.handins(student="alice"), HOUR, NOW) == (0, recent.graded + 3600)


def test_no_limit_has_no_attempt_count(record):
    handin(record, "a", "alice", seen=NOW - 10, status="released", graded=NOW - 5, counted=1)
    assert attempts_left(record.handins(), RateLimit(0, 3600), NOW) == (None, None)


def test_a_students_view_holds_only_their_own_handins_with_their_place_among_all(record):
    handin(record, "bob-1", "bob", seen=NOW - 30, score=9.0, max_score=10.0, status="released")
    handin(record, "bob-2", "bob", seen=NOW - 20)
    mine = handin(record, "alice-1", "alice", seen=NOW - 10)
    view = student_view("alice", [HW, LAB], record.handins(), {}, HOUR, NOW, paused=False)
    shown = [h for section in view["assignments"] for h in section["handins"]]
    assert [h["id"] for h in shown] == [mine.id]
    assert shown[0]["place"] == 2  # bob's queued hand-in is graded first
    assert "bob" not in repr(view) and "folder" not in shown[0]
    assert [section["assignment"] for section in view["assignments"]] == [HW, LAB]
    assert view["live"] is True


def test_the_instructor_view_has_each_jobs_phases_throughput_failures_and_roster(record):
    done = handin(record, "a", "alice", seen=NOW - 30, status="released", started=NOW - 29, graded=NOW - 28,
                  released=NOW - 27, score=7.0, max_score=10.0, counted=1)
    handin(record, "b", "bob", seen=NOW - 20, status="not_graded", reason="not the assignment's notebook",
           graded=NOW - 19)
    handin(record, "c", "carol", seen=NOW - 10, status="over_limit", not_before=NOW + 600)
    view = instructor_view(record.handins(), [HW], HOUR, NOW, paused=True)
    assert view["paused"] is True
    assert view["queue"][0]["student"] == "carol"  # jobs still to do come first
    phases = next(job for job in view["queue"] if job["id"] == done.id)
    assert (phases["started"], phases["graded"], phases["released"]) == (NOW - 29, NOW - 28, NOW - 27)
    assert view["throughput"]["released"] == 1 and view["throughput"]["median_seconds"] == pytest.approx(3.0)
    assert [f["reason"] for f in view["failures"]] == ["not the assignment's notebook"]
    roster = view["assignments"][0]
    assert (roster["submitted"], roster["graded"], roster["over_limit"]) == (3, 1, 1)


@pytest.mark.parametrize("language, words", [("ko", ("채점 대기 (1번째)", "한도 초과", "채점되지 않음: bad JSON")),
                                             ("en", ("Queued (1 in line)", "Over the limit", "Not graded: bad JSON"))])
def test_each_state_is_worded_in_both_languages(language, words):
    queued = web_text.state({"state": "queued", "place": 1}, language)
    over = web_text.state({"state": "over_limit", "not_before": NOW}, language, now=NOW)
    failed = web_text.state({"state": "not_graded", "reason": "bad JSON"}, language)
    assert (queued, failed) == (words[0], words[2]) and over.startswith(words[1])
    assert web_text.clock(NOW, NOW) in over


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.scripts.append(dict(attrs))


HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_a_student_page_keeps_hostile_names_and_reasons_as_text(record):
    handin(record, "x", HOSTILE, seen=NOW - 5, status="not_graded", reason=HOSTILE, assignment=HOSTILE)
    view = student_view(HOSTILE, [HW], record.handins(), {HOSTILE: ["a.html"]}, HOUR, NOW, paused=False)
    page = page_templates().get_template("student.html.j2").render(
        language="en", nonce="n0nce", t=lambda key, **f: web_text.text(key, "en", **f), links=LINKS, viewer=None,
        other_language="ko", xsrf="token", page=student_display(view, "en", LINKS), api_url="/api")
    parsed = _Page()
    parsed.feed(page)
    assert parsed.scripts == [{"nonce": "n0nce"}]  # the page's own script, and nothing else
    assert not any(tag == "img" for tag, _ in parsed.tags)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    frames = [attrs for tag, attrs in parsed.tags if tag == "iframe"]
    assert [frame["sandbox"] for frame in frames] == ["", ""]  # no permission at all: no script, no origin of its own
    assert re.search(r"/feedback/%3Cimg%20src%3Dx", frames[1]["src"])  # names in addresses are quoted


def test_the_instructor_display_links_each_student_to_their_page(record):
    handin(record, "a", "alice", seen=NOW - 5)
    shown = instructor_display(instructor_view(record.handins(), [HW], HOUR, NOW, paused=False), "ko", LINKS)
    assert shown["queue"][0]["cells"][0] == {"text": "alice", "href": "/services/week12-grading/students/alice?lang=ko"}
    assert shown["roster"][0]["counts"] == "제출 1명 · 채점 0명 · 한도 초과 0명"
