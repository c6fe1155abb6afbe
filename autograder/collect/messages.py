"""What the collect report tells a student about an exchange hand-in: what happened, what to do.

Ids are the refusals and drops of ``collect.attribution``; each entry of the collect report
carries the sentence in Korean and in English (:func:`handin_detail`). Names a student chose
(folder names) are shown shortened and quoted, never as they are.
"""

from __future__ import annotations

from autograder.i18n import Catalogue

SHOWN_NAME = 40  # characters of a student-chosen name shown in a sentence

HANDIN_MESSAGES = Catalogue({
    "not_yours_owner": {
        "ko": "{owner} 계정이 다른 학생({named})의 이름으로 만든 제출 폴더 {folder}를 받지 않았습니다; 누구의 "
              "제출도 바뀌지 않았습니다. 자기 계정에서 자기 과제를 내세요.",
        "en": "Your account ({owner}) made the hand-in {folder} in another student's name ({named}): refused; it "
              "replaced no one's submission. Hand in your own work from your own account (nbgrader submit).",
    },
    "not_yours_named": {
        "ko": "다른 계정({owner})이 당신의 이름으로 만든 제출 폴더 {folder}를 받지 않았습니다; 당신이 낸 제출은 "
              "그대로입니다. 할 일은 없습니다; 아직 내지 않았다면 자기 계정에서 내세요.",
        "en": "Another account ({owner}) made the hand-in {folder} in your name: refused; your own hand-ins count as "
              "they are. Nothing to do; if you have not handed in yet, do so from your own account.",
    },
    "unknown_owner": {
        "ko": "제출 폴더 {folder}의 소유자(uid {uid})에게 계정 이름이 없어 누가 냈는지 알 수 없으므로 받지 "
              "않았습니다(학생마다 계정이 따로 있어야 합니다). 자기 계정에서 다시 내세요.",
        "en": "The hand-in {folder} is owned by uid {uid}, which has no account name: whose it is cannot be told "
              "(the exchange needs one account per student), so it was refused. Hand in again from your own account.",
    },
    "unsafe_id": {
        "ko": "제출 폴더 {folder}의 학생 이름 {named}은(는) 안전한 폴더 이름이 아니어서 받지 않았습니다. "
              "--student 없이 nbgrader submit으로 다시 내세요.",
        "en": "The hand-in {folder} names the student {named}, which is not a safe folder name: refused. Hand in "
              "again with nbgrader submit, without --student.",
    },
    "bad_name": {
        "ko": "제출 폴더 {folder}의 이름이 nbgrader submit의 형식(<학생>+<과제>+<시각>)이 아니어서 받지 "
              "않았습니다. nbgrader submit으로 다시 내세요.",
        "en": "The hand-in {folder} is not named <student>+<assignment>+<time> as nbgrader submit names it: "
              "refused. Hand in again with nbgrader submit.",
    },
    "not_a_folder": {
        "ko": "{folder}는 폴더가 아니어서(링크?) 받지 않았습니다. nbgrader submit으로 다시 내세요.",
        "en": "{folder} is not a folder (a link?): refused. Hand in again with nbgrader submit.",
    },
    "too_many_entries": {
        "ko": "제출 폴더 {folder}에 파일과 폴더가 {limit}개보다 많아 받지 않았습니다. 과제 폴더의 노트북만 "
              "nbgrader submit으로 다시 내세요.",
        "en": "The hand-in {folder} holds more than {limit} files and folders: refused. Hand in only the "
              "assignment's notebooks, again, with nbgrader submit.",
    },
    "too_large": {
        "ko": "제출 폴더 {folder}가 {limit}바이트보다 커서 받지 않았습니다. 과제 폴더의 노트북만 다시 내세요.",
        "en": "The hand-in {folder} holds more than {limit} bytes: refused. Hand in only the assignment's "
              "notebooks, again.",
    },
    "unreadable": {
        "ko": "제출 폴더 {folder}를 읽을 수 없어({error}) 받지 않았습니다. 권한을 바꾸지 말고 nbgrader submit으로 "
              "다시 내세요.",
        "en": "The hand-in {folder} could not be read ({error}): refused. Hand in again with nbgrader submit, "
              "without changing its permissions.",
    },
    "no_files": {
        "ko": "제출 폴더 {folder}에 당신 계정의 파일이 없어 받지 않았습니다. nbgrader submit으로 다시 내세요.",
        "en": "The hand-in {folder} holds no file of your account: refused. Hand in again with nbgrader submit.",
    },
    "dropped_foreign": {
        "ko": "제출 폴더의 {path}는 다른 계정({account})이 넣은 것이라 가져오지 않았습니다; 당신의 파일은 "
              "가져왔습니다.",
        "en": "{path} in your hand-in was put there by another account ({account}): not collected; your own files "
              "were.",
    },
    "dropped_special": {
        "ko": "{path}는 일반 파일이 아니어서(링크, 장치, FIFO) 가져오지 않았습니다.",
        "en": "{path} is not a regular file (a link, a device, a FIFO): not collected.",
    },
    "changed_while_copied": {
        "ko": "제출 폴더 {folder}가 복사하는 동안 바뀌어 한도를 넘었으므로 이번에는 받지 않았습니다: {error}. "
              "nbgrader submit으로 다시 내세요.",
        "en": "The hand-in {folder} changed while it was copied, past a limit: refused this time ({error}). Hand in "
              "again with nbgrader submit.",
    },
})


def shown(name: str) -> str:
    """A name a student chose, quoted and cut to ``SHOWN_NAME`` characters."""
    return repr(name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME] + "…")


def handin_detail(message_id: str, **fields) -> str:
    """The collect report's detail for ``message_id``: Korean, then English."""
    return " / ".join(HANDIN_MESSAGES.message(message_id, language, **fields) for language in ("ko", "en"))
