"""Every sentence of the hub's pages, in Korean and English (one catalogue, ``autograder.i18n``).

``PAGE`` holds the pages' headings, labels and error pages; the functions word one value (a
hand-in's state, the attempts left, a time, a duration) for a language. What a student reads
about a hand-in that was not graded comes from the service (``Handin.reason``) and is shown as is.
"""

from __future__ import annotations

import time

from autograder.i18n import Catalogue, resolve_language

PAGE = Catalogue({
    "student_title": {"ko": "채점 현황", "en": "Grading status"},
    "student_heading": {"ko": "{student}님의 제출과 채점", "en": "Hand-ins and grades of {student}"},
    "instructor_title": {"ko": "채점 대기열", "en": "Grading queue"},
    "how_it_works": {
        "ko": "JupyterLab의 Assignments 패널에서 Submit을 누르면 몇 초 안에 채점되어 이 페이지에 점수가 나옵니다. "
              "피드백은 아래에 보이며, 패널의 Fetch Feedback으로도 받을 수 있습니다.",
        "en": "Press Submit in JupyterLab's Assignments panel: within seconds your hand-in is graded and its "
              "score shows here. The feedback is below, and Fetch Feedback in the panel brings it too."},
    "paused": {"ko": "채점이 잠시 멈춰 있습니다. 제출은 모두 보관되고, 다시 시작되면 도착한 순서대로 채점됩니다.",
               "en": "Grading is paused. Every hand-in is kept and graded in order when grading resumes."},
    "nothing_yet": {"ko": "아직 제출하지 않았습니다.", "en": "Nothing handed in yet."},
    "col_arrived": {"ko": "도착", "en": "Arrived"},
    "col_state": {"ko": "상태", "en": "State"},
    "col_score": {"ko": "점수", "en": "Score"},
    "col_student": {"ko": "학생", "en": "Student"},
    "col_assignment": {"ko": "과제", "en": "Assignment"},
    "col_started": {"ko": "채점 시작", "en": "Started"},
    "col_graded": {"ko": "채점 끝", "en": "Graded"},
    "col_released": {"ko": "피드백 전달", "en": "Feedback released"},
    "col_latency": {"ko": "걸린 시간", "en": "Took"},
    "col_reason": {"ko": "이유", "en": "Reason"},
    "col_handins": {"ko": "제출 수", "en": "Hand-ins"},
    "col_latest": {"ko": "마지막 제출", "en": "Latest hand-in"},
    "col_attempts": {"ko": "남은 횟수", "en": "Attempts left"},
    "feedback": {"ko": "피드백", "en": "Feedback"},
    "feedback_none": {"ko": "피드백이 아직 없습니다.", "en": "No feedback yet."},
    "feedback_frame": {"ko": "{assignment} 피드백", "en": "Feedback on {assignment}"},
    "attempts_left": {"ko": "남은 채점 횟수: {left}/{per} ({minutes}분마다)",
                      "en": "Graded attempts left: {left} of {per} per {minutes} min"},
    "attempts_none_left": {"ko": "남은 채점 횟수: 0/{per}. 다음 채점은 {at}부터입니다 (제출은 보관됩니다).",
                           "en": "Graded attempts left: 0 of {per}. The next is graded from {at} (hand-ins are kept)."},
    "attempts_unlimited": {"ko": "채점 횟수 제한 없음", "en": "No limit on graded attempts"},
    "state_queued": {"ko": "채점 대기 ({place}번째)", "en": "Queued ({place} in line)"},
    "state_queued_noplace": {"ko": "채점 대기", "en": "Queued"},
    "state_over_limit": {"ko": "한도 초과: {at}부터 채점", "en": "Over the limit: graded from {at}"},
    "state_grading": {"ko": "채점 중", "en": "Being graded"},
    "state_graded": {"ko": "채점됨, 피드백 준비 중", "en": "Graded, feedback on its way"},
    "state_released": {"ko": "채점됨, 피드백 있음", "en": "Graded, feedback ready"},
    "state_superseded": {"ko": "더 새 제출로 대체됨", "en": "Replaced by a newer hand-in"},
    "state_not_graded": {"ko": "채점되지 않음: {reason}", "en": "Not graded: {reason}"},
    "state_refused": {"ko": "거부됨: {reason}", "en": "Refused: {reason}"},
    "late": {"ko": "{delay} 늦음", "en": "{delay} late"},
    "times_in": {"ko": "시각은 {zone} 기준", "en": "Times in {zone}"},
    "language_switch": {"ko": "English", "en": "한국어"},
    "throughput": {"ko": "지난 1시간: 피드백 {released}건 (분당 {per_minute}), 중앙값 {median}, 95백분위 {p95}, 실패 {failures}건",
                   "en": "Last hour: {released} released ({per_minute} a minute), median {median}, "
                         "95th percentile {p95}, {failures} failed"},
    "waiting_counts": {"ko": "대기 {queued} · 한도 초과 {over_limit} · 채점 중 {grading}",
                       "en": "{queued} queued · {over_limit} over the limit · {grading} being graded"},
    "queue": {"ko": "대기열과 단계별 시각", "en": "Queue and the time of each phase"},
    "failures": {"ko": "지난 1시간의 실패", "en": "Failures in the last hour"},
    "no_failures": {"ko": "실패 없음", "en": "No failures"},
    "roster": {"ko": "과제별 제출 현황", "en": "Who has handed in"},
    "roster_counts": {"ko": "제출 {submitted}명 · 채점 {graded}명 · 한도 초과 {over_limit}명",
                      "en": "{submitted} handed in · {graded} graded · {over_limit} over the limit"},
    "pause": {"ko": "채점 멈추기", "en": "Pause grading"},
    "resume": {"ko": "채점 다시 시작", "en": "Resume grading"},
    "running": {"ko": "채점 중입니다. 제출이 도착하는 대로 채점합니다.", "en": "Grading runs: hand-ins are graded as they arrive."},
    "formgrader": {"ko": "Formgrader 열기", "en": "Open the formgrader"},
    "class_report": {"ko": "반 보고서", "en": "Class report"},
    "no_report": {"ko": "반 보고서가 아직 없습니다. 강의 폴더에서 ‘week12 report’를 실행하세요.",
                  "en": "There is no class report yet: run ‘week12 report’ in the course folder."},
    "error_title": {"ko": "요청을 처리할 수 없습니다", "en": "This request cannot be served"},
    "error_403": {"ko": "이 페이지는 볼 수 없습니다. 자기 제출물만 볼 수 있습니다. 내 페이지로 가세요.",
                  "en": "You may not see this page: each student sees only their own hand-ins. Go to your own page."},
    "error_403_instructors": {"ko": "강사와 조교만 볼 수 있는 페이지입니다. 내 페이지로 가세요.",
                              "en": "Only instructors and TAs may see this page. Go to your own page."},
    "error_login": {"ko": "허브에 로그인한 뒤 다시 요청하세요 (브라우저의 로그인 또는 허브 API 토큰).",
                    "en": "Log in to the hub first (in the browser, or with a hub API token)."},
    "error_404": {"ko": "없는 페이지입니다. 주소를 확인하거나 내 페이지로 가세요.",
                  "en": "There is no such page. Check the address, or go to your own page."},
    "error_400": {"ko": "요청이 올바르지 않습니다. 페이지를 새로 고친 뒤 다시 해 보세요.",
                  "en": "The request was not valid. Reload the page and try again."},
    "error_405": {"ko": "이 주소에서는 그 요청을 받지 않습니다. 페이지의 버튼을 쓰세요.",
                  "en": "This address does not take that kind of request. Use the page's buttons."},
    "error_413": {"ko": "요청이 너무 큽니다. 이 서비스는 작은 요청만 받습니다.",
                  "en": "The request is too large: this service takes only small requests."},
    "error_xsrf": {"ko": "보안 확인(XSRF)에 실패했습니다. 페이지를 새로 고친 뒤 다시 누르세요.",
                   "en": "The security check (XSRF) failed. Reload the page and press the button again."},
    "error_500": {"ko": "채점 서비스에 문제가 생겼습니다. 제출물은 안전하게 보관되어 있습니다. 잠시 뒤 다시 열고, "
                        "계속되면 강사에게 알려 주세요.",
                  "en": "Something went wrong in the grading service. Your hand-ins are kept safe. Try again in a "
                        "minute, and tell your instructor if it goes on."},
    "my_page": {"ko": "내 페이지", "en": "My page"},
    "hub_home": {"ko": "허브 홈", "en": "Hub home"},
})


def text(message_id: str, language: str, **fields) -> str:
    return PAGE.message(message_id, language, **fields)


def clock(at: float | None, now: float | None = None) -> str:
    """A time as the hub machine's clock shows it: ``14:03:27`` today, ``05-24 23:58`` another day."""
    if at is None:
        return "—"
    moment, today = time.localtime(at), time.localtime(time.time() if now is None else now)
    same_day = moment[:3] == today[:3]
    return time.strftime("%H:%M:%S" if same_day else "%m-%d %H:%M", moment)


def zone(now: float | None = None) -> str:
    """The zone of :func:`clock`'s times, e.g. ``KST (UTC+09:00)``."""
    moment = time.localtime(time.time() if now is None else now)
    offset = moment.tm_gmtoff or 0
    sign, offset = ("+" if offset >= 0 else "-"), abs(offset)
    return f"{moment.tm_zone} (UTC{sign}{offset // 3600:02d}:{offset % 3600 // 60:02d})"


def duration(seconds: float | None) -> str:
    """``0.84 s``, ``12.3 s``, ``4 min 05 s``; ``—`` for none."""
    if seconds is None:
        return "—"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def score(handin: dict) -> str:
    """``7 / 10``, or ``—`` before a score."""
    if handin.get("score") is None:
        return "—"
    return f"{number(handin['score'])} / {number(handin.get('max_score'))}"


def state(handin: dict, language: str, now: float | None = None) -> str:
    """A hand-in's state in a sentence: queued with its place, over the limit until when,
    not graded and why..."""
    language = resolve_language(language)
    kind = handin["state"]
    if kind == "queued":
        place = handin.get("place")
        return text("state_queued", language, place=place) if place else text("state_queued_noplace", language)
    if kind == "over_limit":
        return text("state_over_limit", language, at=clock(handin.get("not_before"), now))
    if kind in ("not_graded", "refused"):
        return text(f"state_{kind}", language, reason=handin.get("reason") or "—")
    return text(f"state_{kind}", language)


def attempts(section: dict, language: str, now: float | None = None) -> str:
    """The rate limit for one assignment, as a student reads it."""
    if section.get("attempts_left") is None:
        return text("attempts_unlimited", language)
    per, minutes = section["graded_per_window"], number(section["window_minutes"])
    if section["attempts_left"] == 0 and section.get("next_attempt_at") is not None:
        return text("attempts_none_left", language, per=per, at=clock(section["next_attempt_at"], now))
    return text("attempts_left", language, left=section["attempts_left"], per=per, minutes=minutes)
