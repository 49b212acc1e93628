"""The management commands for scripts: import a reading list, draw the quiz, export grades."""

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from courseapp.models import LinkCheckRun, QuizDraw, QuizPick, Review

from .factories import MembershipFactory, ReadingFactory
from .linkserver import LinkServer

ROADMAP = Path(__file__).resolve().parent / "fixtures" / "genai-roadmap.md"


@pytest.mark.parametrize(
    "command",
    [
        ["import_readings", "nope", str(ROADMAP)],
        ["draw_quiz", "nope"],
        ["export_grades", "nope"],
        ["check_links", "nope"],
    ],
)
def test_an_unknown_course_is_named_in_the_error(db, command):
    with pytest.raises(CommandError, match=re.escape("There is no course 'nope'.")):
        call_command(*command)


def test_import_readings_dry_run_changes_nothing_then_imports(course, capsys, tmp_path):
    binary = tmp_path / "slides.md"
    binary.write_bytes(b"%PDF-1.7\x00\x01")
    for bad, message in ((binary, "binary file"), (tmp_path / "missing.md", "Cannot read")):
        with pytest.raises(CommandError, match=message):
            call_command("import_readings", course.slug, str(bad), "--dry-run")
    call_command("import_readings", course.slug, str(ROADMAP), "--dry-run")
    assert "Would import into" in capsys.readouterr().out and not course.readings.exists()
    call_command("import_readings", course.slug, str(ROADMAP))
    assert course.readings.count() == 21


def test_draw_quiz_keeps_its_seed_and_export_grades_writes_csv(course, tmp_path):
    student = MembershipFactory(course=course).user
    Review.objects.create(reading=ReadingFactory(course=course), student=student, text="x", submitted_at=timezone.now())
    call_command("draw_quiz", course.slug, "--seed", "99")
    call_command("draw_quiz", course.slug)
    assert QuizDraw.objects.get(course=course).seed == 99 and QuizPick.objects.count() == 1
    out = tmp_path / "grades.csv"
    call_command("export_grades", course.slug, "--output", str(out))
    lines = out.read_text().splitlines()
    assert lines[0].startswith("Email,Last name,First name") and lines[1].startswith(student.email)


def test_check_links_wait_reports_the_problems_and_where_moved_links_went(course, capsys):
    with LinkServer() as server:
        ReadingFactory(course=course, title="Moved Paper", url=server.base + "/moved/1")
        ReadingFactory(course=course, title="Lost Paper", url=server.base + "/missing")
        ReadingFactory(course=course, title="Fine Paper", url=server.base + "/ok")
        call_command("check_links", course.slug, "--wait")

    out = capsys.readouterr().out
    assert "Checked 3 links. OK: 1, Moved: 1, Failed once: 1" in out
    assert f"[Moved] Moved Paper: {server.base}/moved/1 -> {server.base}/ok" in out
    assert f"[Failed once] Lost Paper: {server.base}/missing (not found)" in out
    assert "Fine Paper" not in out
    assert LinkCheckRun.objects.get().trigger == LinkCheckRun.Trigger.COMMAND


def test_check_links_says_when_there_is_nothing_to_check(course):
    with pytest.raises(CommandError, match="No reading on the list has a link"):
        call_command("check_links", course.slug)


def test_import_readings_imports_the_rest_of_a_bibtex_file_and_holds_a_scheduled_title(course, capsys, tmp_path):
    from .factories import MeetingFactory, SlotFactory

    bib = tmp_path / "zotero.bib"
    bib.write_text("@article{a, title={Fine}, title={Again}, url={https://x.org/a%20b}}\n@article{b title=broken}\n")
    call_command("import_readings", course.slug, str(bib), "--section", "Zotero")
    captured = capsys.readouterr()
    assert "repeats “title”" in captured.err and "cannot be read and was skipped" in captured.err
    reading = course.readings.get()
    assert (reading.title, reading.url) == ("Fine", "https://x.org/a%20b")

    SlotFactory(meeting=MeetingFactory(course=course), reading=reading)
    bib.write_text("@article{a, title={Fine, renamed}, url={https://x.org/a%20b}}\n")
    call_command("import_readings", course.slug, str(bib), "--section", "Zotero")
    assert "kept, as it is scheduled" in capsys.readouterr().out
    assert course.readings.get().title == "Fine"
    call_command("import_readings", course.slug, str(bib), "--section", "Zotero", "--take-file-versions")
    assert course.readings.get().title == "Fine, renamed"
