"""Who handed in an exchange folder and when it arrived (``autograder.collect.attribution``), on real
folders: the owner is the student, the change time is the arrival, nothing a student wrote decides.

Folders owned by other accounts are made with ``chown`` to the system's own accounts (``daemon``,
``bin``) and to a uid without a name, so those tests need root; the rest run as any account, with
a made-up collecting uid so that this account's folders are a student's.
"""

from __future__ import annotations

import os
import pwd
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from nbgrader.utils import parse_utc

from autograder.collect.attribution import (Handin, attribute_handin, copy_handin, named_student, nbgrader_timestamp,
                                            newest_handins)

HW = "week12-homework"
ME = pwd.getpwuid(os.geteuid()).pw_name
OTHER_COLLECTOR = 2**31 - 7  # a collecting account that is not this one: this account is then a student
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="making folders owned by other accounts needs root (chown)")
CLOCK_SLACK = timedelta(milliseconds=50)  # change times come from the kernel's coarse clock


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def handin(inbound: Path, name: str, files=None, claimed: str = "2000-01-01 00:00:00.000000 UTC") -> Path:
    """A hand-in folder as ``nbgrader submit`` writes it (files, then timestamp.txt, then modes)."""
    folder = inbound / name
    folder.mkdir(parents=True)
    for relative, text in (files or {"edge_filter.ipynb": "{}"}).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text)
    (folder / "timestamp.txt").write_text(claimed)
    folder.chmod(0o777)
    return folder


def chown_tree(path: Path, uid: int) -> None:
    for folder, dirs, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, entry) for entry in dirs + files)]:
            os.chown(name, uid, -1, follow_symlinks=False)


def test_the_owner_is_the_student(tmp_path):
    found = attribute_handin(handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+abc"), HW, OTHER_COLLECTOR)
    assert found.accepted and found.student == ME


def test_a_folder_naming_another_student_is_refused_as_not_yours(tmp_path):
    found = attribute_handin(handin(tmp_path, f"someone-else+{HW}+2099-01-01 00:00:00 UTC+abc"), HW, OTHER_COLLECTOR)
    assert found.refusal == "not_yours"
    assert (found.owner, found.named, found.student) == (ME, "someone-else", None)


def test_the_collecting_accounts_own_folder_may_name_any_student(tmp_path):
    found = attribute_handin(handin(tmp_path, f"someone-else+{HW}+2026-05-25 00:00:00 UTC"), HW, os.geteuid())
    assert found.accepted and found.student == "someone-else"


@as_root
def test_a_student_folder_naming_another_is_refused_for_an_account_that_is_not_the_collectors(tmp_path):
    daemon = pwd.getpwnam("daemon")
    folder = handin(tmp_path, f"bin+{HW}+2099-01-01 00:00:00 UTC+x")
    chown_tree(folder, daemon.pw_uid)
    found = attribute_handin(folder, HW)  # collected by root: daemon is a student
    assert (found.refusal, found.owner, found.named) == ("not_yours", "daemon", "bin")


@as_root
def test_a_folder_whose_owner_uid_has_no_account_name_is_refused(tmp_path):
    nameless = next(uid for uid in range(47000, 48000) if not _has_name(uid))
    folder = handin(tmp_path, f"someone+{HW}+2026-05-25 00:00:00 UTC")
    chown_tree(folder, nameless)
    found = attribute_handin(folder, HW)
    assert (found.refusal, found.owner_uid, found.owner) == ("unknown_owner", nameless, None)


def _has_name(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False


@as_root
def test_entries_another_account_put_in_a_handin_are_dropped_and_do_not_count(tmp_path):
    daemon, intruder = pwd.getpwnam("daemon"), pwd.getpwnam("bin")
    folder = handin(tmp_path, f"daemon+{HW}+2026-05-25 00:00:00 UTC+x", {"edge_filter.ipynb": "mine", "sub/data.csv": "1"})
    chown_tree(folder, daemon.pw_uid)
    before = attribute_handin(folder, HW)
    time.sleep(0.05)
    (folder / "planted.ipynb").write_text("not mine")
    (folder / "planted-dir").mkdir()
    (folder / "planted-dir" / "edge_filter.ipynb").write_text("not mine")
    chown_tree(folder / "planted-dir", intruder.pw_uid)
    os.chown(folder / "planted.ipynb", intruder.pw_uid, -1)
    after = attribute_handin(folder, HW)
    assert after.files == (Path("edge_filter.ipynb"), Path("sub/data.csv"), Path("timestamp.txt"))
    assert {(str(dropped.path), dropped.why, dropped.account) for dropped in after.dropped} == {
        ("planted.ipynb", "dropped_foreign", "bin"), ("planted-dir", "dropped_foreign", "bin")}
    # Only the folder's own change time moves (it must, for a folder moved into inbound/); the
    # planted entries count for nothing else.
    assert after.arrived >= before.arrived


def test_a_folder_made_elsewhere_and_moved_into_inbound_arrived_when_it_was_moved(tmp_path):
    outside = handin(tmp_path / "home", f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x", {"edge_filter.ipynb": "prepared"})
    prepared = attribute_handin(outside, HW, OTHER_COLLECTOR)
    time.sleep(0.05)
    (tmp_path / "inbound").mkdir()
    moved = outside.rename(tmp_path / "inbound" / outside.name)
    assert attribute_handin(moved, HW, OTHER_COLLECTOR).arrived > prepared.arrived


def test_arrival_is_the_change_time_not_the_name_the_modification_time_or_timestamp_txt(tmp_path):
    started = utc_now()
    folder = handin(tmp_path, f"{ME}+{HW}+2000-01-01 00:00:00.000000 UTC+x", claimed="2000-01-01 00:00:00.000000 UTC")
    for path in folder.iterdir():
        os.utime(path, (946684800, 946684800))  # 2000-01-01, as touch -d would set it
    os.utime(folder, (946684800, 946684800))
    found = attribute_handin(folder, HW, OTHER_COLLECTOR)
    assert started - CLOCK_SLACK <= found.arrived <= utc_now() + CLOCK_SLACK


def test_a_file_changed_later_makes_the_arrival_later(tmp_path):
    folder = handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x")
    first = attribute_handin(folder, HW, OTHER_COLLECTOR).arrived
    time.sleep(0.05)
    (folder / "edge_filter.ipynb").chmod(0o600)
    assert attribute_handin(folder, HW, OTHER_COLLECTOR).arrived > first


def test_the_newest_handin_is_chosen_by_arrival_not_by_the_time_in_its_name(tmp_path):
    claims_late = handin(tmp_path, f"{ME}+{HW}+2099-01-01 00:00:00 UTC+first", {"edge_filter.ipynb": "first"})
    time.sleep(0.05)
    claims_early = handin(tmp_path, f"{ME}+{HW}+2000-01-01 00:00:00 UTC+second", {"edge_filter.ipynb": "second"})
    found = [attribute_handin(folder, HW, OTHER_COLLECTOR) for folder in (claims_late, claims_early)]
    assert [chosen.folder for chosen in newest_handins(found)] == [claims_early]


def _handin(student: str, minute: int) -> Handin:
    return Handin(Path(f"{student}+{HW}+{minute}"), HW, student=student, arrived=datetime(2026, 5, 25, 12, minute))


def test_before_the_due_date_the_newest_arrival_by_then_is_chosen_else_the_newest():
    handins = [_handin("a", 10), _handin("a", 30), _handin("a", 50), _handin("b", 40), _handin("b", 45)]
    chosen = newest_handins(handins, duedate=datetime(2026, 5, 25, 12, 35))
    assert [(handin.student, handin.arrived.minute) for handin in chosen] == [("a", 30), ("b", 45)]
    assert [handin.arrived.minute for handin in newest_handins(handins)] == [50, 45]


def test_refused_handins_are_never_chosen(tmp_path):
    refused = Handin(Path("x"), HW, student=None, arrived=None, refusal="not_yours")
    assert newest_handins([refused, _handin("a", 10)]) == [_handin("a", 10)]


@pytest.mark.parametrize("name, refusal", [
    (f"+{HW}+2026-05-25 00:00:00 UTC", "bad_name"),
    (f"{ME}+{HW}+", "bad_name"),
    (f"..+{HW}+2026-05-25 00:00:00 UTC", "unsafe_id"),
])
def test_a_name_without_a_student_or_with_an_unsafe_one_is_refused_not_raised(tmp_path, name, refusal):
    found = attribute_handin(handin(tmp_path, name), HW, os.geteuid())  # even the collector's own
    assert found.refusal == refusal and found.owner == ME


def test_a_time_in_the_name_that_cannot_be_parsed_does_not_matter(tmp_path):
    found = attribute_handin(handin(tmp_path, f"{ME}+{HW}+not a time at all+x"), HW, OTHER_COLLECTOR)
    assert found.accepted and found.student == ME


def test_an_id_holding_a_plus_is_read_as_its_owner_wrote_it():
    assert named_student(f"a+b+{HW}+2026-05-25 00:00:00 UTC+r", HW, owner="a+b") == "a+b"
    assert named_student(f"a+b+{HW}+2026-05-25 00:00:00 UTC+r", HW, owner="a") == "a+b"
    assert named_student(f"{HW}+x", HW) is None


def test_a_handin_with_more_entries_than_the_limit_is_refused(tmp_path):
    folder = handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x", {f"f{index}.txt": "" for index in range(30)})
    assert attribute_handin(folder, HW, OTHER_COLLECTOR, max_entries=20).refusal == "too_many_entries"
    assert attribute_handin(folder, HW, OTHER_COLLECTOR, max_entries=40).accepted


def test_a_handin_larger_than_the_limit_is_refused(tmp_path):
    folder = handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x", {"edge_filter.ipynb": "x" * 5000})
    assert attribute_handin(folder, HW, OTHER_COLLECTOR, max_bytes=4000).refusal == "too_large"


def test_a_link_in_place_of_a_handin_folder_is_refused(tmp_path):
    target = handin(tmp_path / "elsewhere", f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x")
    (tmp_path / "inbound").mkdir()
    link = tmp_path / "inbound" / target.name
    link.symlink_to(target)
    assert attribute_handin(link, HW, OTHER_COLLECTOR).refusal == "not_a_folder"


def test_links_and_fifos_in_a_handin_are_dropped(tmp_path):
    folder = handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x")
    (folder / "shadow").symlink_to("/etc/shadow")
    os.mkfifo(folder / "fifo")
    found = attribute_handin(folder, HW, OTHER_COLLECTOR)
    assert {(str(dropped.path), dropped.why) for dropped in found.dropped} == {("shadow", "dropped_special"),
                                                                             ("fifo", "dropped_special")}
    assert Path("shadow") not in found.files


def test_the_arrival_is_written_as_nbgrader_reads_it():
    arrived = datetime(2026, 5, 25, 14, 59, 3, 123456)
    assert parse_utc(nbgrader_timestamp(arrived)) == arrived


def test_the_copy_holds_the_owners_files_with_plain_modes(tmp_path):
    folder = handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x", {"edge_filter.ipynb": "mine", "sub/a.csv": "1"})
    (folder / "edge_filter.ipynb").chmod(0o4755)
    found = attribute_handin(folder, HW, OTHER_COLLECTOR)
    arrived, left_out = copy_handin(found, tmp_path / "copy")
    assert left_out == [] and arrived == found.arrived
    assert (tmp_path / "copy" / "edge_filter.ipynb").read_text() == "mine"
    assert (tmp_path / "copy" / "sub" / "a.csv").read_text() == "1"
    assert (tmp_path / "copy" / "edge_filter.ipynb").stat().st_mode & 0o7777 == 0o644


def test_a_file_swapped_for_a_link_after_attribution_is_left_out_of_the_copy(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for students")
    folder = handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x")
    found = attribute_handin(folder, HW, OTHER_COLLECTOR)
    (folder / "edge_filter.ipynb").unlink()
    (folder / "edge_filter.ipynb").symlink_to(secret)
    _, left_out = copy_handin(found, tmp_path / "copy")
    assert left_out == [Path("edge_filter.ipynb")] and not (tmp_path / "copy" / "edge_filter.ipynb").exists()


def test_a_file_changed_after_attribution_moves_the_copys_arrival_later_never_earlier(tmp_path):
    folder = handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x")
    found = attribute_handin(folder, HW, OTHER_COLLECTOR)
    time.sleep(0.05)
    (folder / "edge_filter.ipynb").write_text('{"changed": true}')
    arrived, _ = copy_handin(found, tmp_path / "copy")
    assert arrived > found.arrived and (tmp_path / "copy" / "edge_filter.ipynb").read_text() == '{"changed": true}'


def test_ignored_names_are_not_copied(tmp_path):
    from nbgrader.utils import ignore_patterns

    folder = handin(tmp_path, f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x",
                    {"edge_filter.ipynb": "{}", ".ipynb_checkpoints/edge_filter-checkpoint.ipynb": "{}"})
    found = attribute_handin(folder, HW, OTHER_COLLECTOR)
    copy_handin(found, tmp_path / "copy", ignore=ignore_patterns(exclude=[".ipynb_checkpoints"]))
    assert sorted(path.name for path in (tmp_path / "copy").rglob("*")) == ["edge_filter.ipynb", "timestamp.txt"]


def test_the_collected_timestamp_txt_holds_the_arrival_not_the_students_claim(tmp_path):
    from autograder.collect.exchange import place_handin

    folder = handin(tmp_path / "inbound", f"{ME}+{HW}+2000-01-01 00:00:00 UTC+x", claimed="2000-01-01 00:00:00 UTC")
    found = attribute_handin(folder, HW, OTHER_COLLECTOR)
    dest = tmp_path / "submitted" / ME / HW
    assert place_handin(found, dest) == found.arrived
    assert parse_utc((dest / "timestamp.txt").read_text()) == found.arrived
    assert (dest / "edge_filter.ipynb").is_file() and sorted(path.name for path in dest.parent.iterdir()) == [HW]


def test_a_handin_that_grows_past_the_limit_while_copied_leaves_the_earlier_submission(tmp_path):
    from autograder.collect.exchange import place_handin

    dest = tmp_path / "submitted" / ME / HW
    dest.mkdir(parents=True)
    (dest / "edge_filter.ipynb").write_text("earlier")
    folder = handin(tmp_path / "inbound", f"{ME}+{HW}+2026-05-25 00:00:00 UTC+x", {"edge_filter.ipynb": "{}"})
    found = attribute_handin(folder, HW, OTHER_COLLECTOR, max_bytes=4000)
    (folder / "edge_filter.ipynb").write_text("x" * 5000)
    reported = []
    assert place_handin(found, dest, max_bytes=4000, report=lambda kind, detail: reported.append(kind)) is None
    assert (dest / "edge_filter.ipynb").read_text() == "earlier" and reported == ["bad_handin"]
    assert sorted(path.name for path in dest.parent.iterdir()) == [HW]  # nothing staged is left behind


def test_update_replaces_a_submission_only_with_a_later_arrival():
    from autograder.collect.exchange import replaces

    noon, one = datetime(2026, 5, 25, 12), datetime(2026, 5, 25, 13)
    assert replaces(noon, one, update=True, before_duedate=False)
    assert not replaces(one, noon, update=True, before_duedate=False)
    assert replaces(None, noon, update=True, before_duedate=False)
    assert not replaces(None, noon, update=False, before_duedate=False)
    assert replaces(one, noon, update=False, before_duedate=True)  # the choice was made by the due date
