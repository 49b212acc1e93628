"""A presenting pair's way to the talk: slides checked and stored, the 1-on-1 booked, the timer."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courseapp.models import Notice, OneOnOneTime, SlideUpload
from courseapp.services import ServiceError, presentations

from ..factories import MembershipFactory, SignupFactory, SlotFactory, pdf_bytes


class TestSlides:
    def upload(self, course, slot, student, data: bytes, name="talk.pdf", stage="initial"):
        return presentations.slides_upload(
            course=course, slot_id=slot.pk, stage=stage, upload=SimpleUploadedFile(name, data), by=student,
            now=timezone.now(),
        )  # fmt: skip

    def test_a_pdf_is_kept_under_a_random_name_in_the_private_folder(self, course, presented_paper, private_media):
        slot, ada, *_ = presented_paper
        slides = self.upload(course, slot, ada, pdf_bytes(2), name="../../etc/passwd.pdf")
        assert slides.original_name == "passwd.pdf"
        stored = private_media / slides.file.name
        assert stored.is_file() and stored.read_bytes().startswith(b"%PDF-")
        assert slides.file.name.startswith("slides/") and "passwd" not in slides.file.name
        assert not slides.is_late  # the talk is a week away

    @pytest.mark.parametrize(
        ("data", "name", "code"),
        [
            (b"<html><script>alert(1)</script></html>", "slides.pdf", "not_pdf"),
            (b"", "slides.pdf", "empty"),
            (b"%PDF-1.7\n" + b"garbage" * 50, "slides.pdf", "unreadable"),
        ],
    )
    def test_what_is_not_a_readable_pdf_is_refused_whatever_its_name(self, course, presented_paper, data, name, code):
        slot, ada, *_ = presented_paper
        with pytest.raises(ServiceError) as refused:
            self.upload(course, slot, ada, data, name=name)
        assert refused.value.code == code and not SlideUpload.objects.exists()

    def test_an_oversized_file_is_refused(self, course, presented_paper):
        slot, ada, *_ = presented_paper
        course.slides_max_mb = 1
        course.save()
        big = pdf_bytes() + b"%" * (1024 * 1024)
        with pytest.raises(ServiceError) as refused:
            self.upload(course, slot, ada, big)
        assert refused.value.code == "too_large" and "slides up to 1 MB" in refused.value.message

    def test_only_the_presenters_upload_and_final_slides_wait_for_the_talk(self, course, presented_paper):
        slot, ada, _, chen = presented_paper
        with pytest.raises(ServiceError) as refused:
            self.upload(course, slot, chen, pdf_bytes())
        assert refused.value.code == "not_presenting"
        with pytest.raises(ServiceError) as early:
            self.upload(course, slot, ada, pdf_bytes(), stage="final")
        assert early.value.code == "too_early"


class TestOneOnOnes:
    def test_a_pair_books_one_time_and_moving_it_frees_the_first(self, course, presented_paper):
        slot, ada, bruno, _ = presented_paper
        soon = timezone.now() + datetime.timedelta(days=2)
        presentations.one_on_one_times_add(course=course, first=soon, count=3, minutes=20)
        first, second, _ = OneOnOneTime.objects.order_by("starts_at")
        presentations.one_on_one_book(course=course, slot_id=slot.pk, time_id=first.pk, by=ada, now=timezone.now())
        presentations.one_on_one_book(course=course, slot_id=slot.pk, time_id=second.pk, by=bruno, now=timezone.now())
        assert list(OneOnOneTime.objects.filter(slot=slot)) == [second]
        # Each booking tells the partner who did not make it.
        told = [n.user for n in Notice.objects.filter(message__contains="booked your 1-on-1")]
        assert sorted(told, key=lambda u: u.pk) == sorted([bruno, ada], key=lambda u: u.pk)
        assert presentations.one_on_one_times_add(course=course, first=soon, count=3, minutes=20) == 0

    def test_booking_closes_before_the_talk_and_a_taken_time_is_refused(self, course, presented_paper):
        slot, ada, *_ = presented_paper
        other = SlotFactory(meeting=slot.meeting)
        rival = MembershipFactory(course=course).user
        SignupFactory(slot=other, student=rival)
        time = OneOnOneTime.objects.create(course=course, starts_at=timezone.now() + datetime.timedelta(days=1))
        presentations.one_on_one_book(course=course, slot_id=other.pk, time_id=time.pk, by=rival, now=timezone.now())
        with pytest.raises(ServiceError) as taken:
            presentations.one_on_one_book(course=course, slot_id=slot.pk, time_id=time.pk, by=ada, now=timezone.now())
        assert taken.value.code == "taken"
        late = slot.meeting.starts() - datetime.timedelta(days=1)
        with pytest.raises(ServiceError) as closed:
            presentations.one_on_one_book(course=course, slot_id=slot.pk, time_id=time.pk, by=ada, now=late)
        assert closed.value.code == "closed"
        with pytest.raises(ServiceError) as booked:
            presentations.one_on_one_time_remove(course=course, time_id=time.pk)
        assert booked.value.code == "booked"


class TestTimer:
    def test_start_stop_and_the_discussion_ends_the_talk(self, course, presented_paper):
        slot, *_ = presented_paper
        t0 = timezone.now()

        def at(seconds, action):
            return presentations.timing_record(
                course=course, slot_id=slot.pk, action=action, now=t0 + datetime.timedelta(seconds=seconds)
            )

        at(0, "stop_talk")  # stopping a clock that never ran changes nothing
        at(5, "start_talk")
        timing = at(5 + 31 * 60, "start_discussion")
        assert (timing.talk_seconds, timing.talk_clock) == (31 * 60, "31:00")
        timing = at(5 + 31 * 60 + 14 * 60, "stop_discussion")
        assert timing.discussion_seconds == 14 * 60
        assert at(9999, "reset").talk_started_at is None
