"""The presenting pair's pages: the checklist, slides up and down, the 1-on-1 booking."""

import concurrent.futures
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courseapp.models import OneOnOneTime, SlideUpload
from courseapp.services import presentations
from courseapp.services.presentations import NOT_PDF, TIME_TAKEN
from tests.asserts import shows

from ..asserts import url
from ..factories import MeetingFactory, MembershipFactory, SignupFactory, SlotFactory, pdf_bytes
from ..servers import post_as, session_cookie


class TestSlidesPages:
    def test_upload_and_download_for_the_pair_only(self, course, presented_paper, instructor, client_for):
        slot, ada, bruno, chen = presented_paper
        client = client_for(ada)
        upload = SimpleUploadedFile("Our Talk (v2).pdf", pdf_bytes(), content_type="application/pdf")
        page = client.post(url("slides_upload", course, slot.pk), {"stage": "initial", "file": upload}, follow=True)
        assert "Initial slides uploaded: Our_Talk_v2.pdf." in page.content.decode()
        slides = SlideUpload.objects.get()
        for user, status in ((bruno, 200), (instructor, 200), (chen, 404)):
            response = client_for(user).get(url("slides_download", course, slides.pk))
            assert response.status_code == status, user
        response = client_for(bruno).get(url("slides_download", course, slides.pk))
        assert response["Content-Disposition"] == 'attachment; filename="Our_Talk_v2.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    def test_a_web_page_named_pdf_is_refused_in_the_page(self, course, presented_paper, client_for):
        slot, ada, *_ = presented_paper
        fake = SimpleUploadedFile(
            "slides.pdf", b"<!doctype html><script>alert(1)</script>", content_type="application/pdf"
        )
        page = client_for(ada).post(
            url("slides_upload", course, slot.pk), {"stage": "initial", "file": fake}, follow=True
        )
        assert shows(page.content.decode(), NOT_PDF)
        assert not SlideUpload.objects.exists()

    def test_a_pairs_checklist_is_theirs(self, course, presented_paper, client_for):
        slot, ada, _, chen = presented_paper
        assert client_for(ada).get(url("presentation", course, slot.pk)).status_code == 200
        assert client_for(chen).get(url("presentation", course, slot.pk)).status_code == 404


def test_two_pairs_racing_for_one_time_get_it_once(gunicorn_url, course):
    """Both pairs click the last free time at once, over HTTP: one books it, the other is told."""
    when = timezone.localdate() + datetime.timedelta(days=10)
    slots = [SlotFactory(meeting=MeetingFactory(course=course, date=when)) for _ in range(2)]
    presenters = []
    for slot in slots:
        presenter = MembershipFactory(course=course).user
        SignupFactory(slot=slot, student=presenter)
        presenters.append(presenter)
    presentations.one_on_one_times_add(course=course, first=timezone.now() + datetime.timedelta(days=3), count=1,
                                       minutes=30)  # fmt: skip
    time = OneOnOneTime.objects.get()
    attempts = [
        (gunicorn_url + url("one_on_one_book", course, slot.pk), session_cookie(presenter))
        for slot, presenter in zip(slots, presenters, strict=True)
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda a: post_as(a[0], a[1], {"time": time.pk}), attempts))
    bodies = [body for _, body in results]
    assert all(status == 200 for status, _ in results)
    assert sum("Your 1-on-1 is booked for" in body for body in bodies) == 1
    assert sum(shows(body, TIME_TAKEN) for body in bodies) == 1
    time.refresh_from_db()
    assert time.slot_id in {slot.pk for slot in slots}
