"""The calendar import pages: paste or upload, preview, choose what to do with unknown titles, confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courseapp.models import CalendarImport, Meeting, Reading

from ..factories import ReadingFactory


@pytest.fixture
def staff_client(course, instructor, client_for):
    ReadingFactory(course=course, title="Attention Is All You Need")
    return client_for(instructor)


class TestImportPages:
    def test_paste_preview_and_confirm(self, course, staff_client):
        text = (
            "Week Day and Date Topic Presenter Commentators\n"
            "Wed Oct 2 Attention is all you need ? ?\n"
            "  A Paper We Forgot ? ?\n"
        )
        response = staff_client.post(reverse("courseapp:calendar_import", args=[course.slug]), {"text": text})
        pending = CalendarImport.objects.get()
        assert response["Location"] == reverse("courseapp:calendar_import_preview", args=[course.slug, pending.pk])

        preview = staff_client.get(response["Location"])
        assert "Wed Oct 2, 2024" in preview.text
        assert "Attention Is All You Need" in preview.text  # matched to the list's reading, whatever the case
        assert "“A Paper We Forgot”" in preview.text and "is not in the reading list" in preview.text
        assert not Meeting.objects.filter(course=course).exists()

        done = staff_client.post(
            reverse("courseapp:calendar_import_confirm", args=[course.slug, pending.pk]),
            {"create": ["a paper we forgot"]},
        )
        assert done["Location"] == reverse("courseapp:schedule_edit", args=[course.slug])
        meeting = Meeting.objects.get(course=course)
        assert [slot.reading.title for slot in meeting.slots.all()] == [
            "Attention Is All You Need",
            "A Paper We Forgot",
        ]
        assert Reading.objects.filter(course=course, title="A Paper We Forgot").exists()
        page = staff_client.get(done["Location"])
        assert "Calendar imported: 1 new meetings" in page.text

    def test_upload_an_ics_file(self, course, staff_client):
        ics = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
            "DTSTART;VALUE=DATE:20241009\r\nSUMMARY:Attention Is All You Need\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        upload = SimpleUploadedFile("term.ics", ics.encode(), content_type="text/calendar")
        staff_client.post(reverse("courseapp:calendar_import", args=[course.slug]), {"file": upload})
        pending = CalendarImport.objects.get()
        assert pending.format == "ics"
        staff_client.post(reverse("courseapp:calendar_import_confirm", args=[course.slug, pending.pk]))
        assert Meeting.objects.get(course=course).slots.get().reading.title == "Attention Is All You Need"

    def test_bad_input_keeps_the_text_and_says_why(self, course, staff_client):
        response = staff_client.post(
            reverse("courseapp:calendar_import", args=[course.slug]), {"text": "date;topic\nsoon;a talk\n"}
        )
        assert response.status_code == 400
        assert not CalendarImport.objects.exists()
        assert "No meetings were found: the rows need a date" in response.text
        assert "soon;a talk" in response.text
