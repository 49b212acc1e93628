import datetime
from html.parser import HTMLParser

import pytest

from courseapp import reviewing
from courseapp.reviewing import NOT_COUNTED, OTHER, SCHEDULED_PAPER, ReviewFacts

T0 = datetime.datetime(2024, 10, 1, 12, tzinfo=datetime.UTC)


class TestWordCount:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("", 0),
            ("One two three.", 3),
            ("Don't split state-of-the-art words.", 4),
            ("**Bold** and _italic_ and `code`", 5),
            ("See [the paper](https://arxiv.org/abs/1706.03762) and https://example.org/x", 4),
            ("# Heading\n\n- item one\n- item two", 5),
            ("Zürich naïve café 2024", 4),
        ],
    )
    def test_counts_what_a_reader_reads(self, text, words):
        assert reviewing.word_count(text) == words


class TestLateness:
    due = datetime.datetime(2024, 10, 16, 14, tzinfo=datetime.UTC)

    @pytest.mark.parametrize(("offset", "late"), [(-1, False), (0, False), (1, True)])
    def test_a_second_before_at_and_after(self, offset, late):
        assert reviewing.is_late(self.due + datetime.timedelta(seconds=offset), self.due) is late

    def test_end_of_term_is_the_last_second_of_the_last_day(self):
        tz = datetime.timezone(datetime.timedelta(hours=-6))
        assert reviewing.end_of_term(datetime.date(2024, 12, 13), tz) == datetime.datetime(
            2024, 12, 13, 23, 59, 59, tzinfo=tz
        )


def facts(n, *, paper=True, scheduled=True, late=False, kind="Paper"):
    return ReviewFacts(
        key=n,
        is_paper=paper,
        scheduled_for_presentation=scheduled,
        kind_label=kind,
        late=late,
        submitted_at=T0 + datetime.timedelta(hours=n),
    )


class TestTally:
    def rule(self, reviews, late_refused=False):
        return reviewing.tally(reviews, required=20, scheduled_required=15, late_refused=late_refused)

    def test_twenty_scheduled_papers_make_twenty(self):
        result = self.rule([facts(n) for n in range(20)])
        assert (result.counted, result.scheduled_papers, result.others) == (20, 20, 0)

    def test_only_five_others_count(self):
        result = self.rule([facts(n, scheduled=False) for n in range(8)] + [facts(10 + n) for n in range(12)])
        assert (result.scheduled_papers, result.others, result.counted) == (12, 5, 17)
        assert [result.verdicts[n].counts_as for n in range(8)] == [OTHER] * 5 + [NOT_COUNTED] * 3
        assert result.verdicts[7].reason.startswith("Does not count: you already have 5 other readings")

    def test_a_scheduled_blog_post_is_an_other_reading(self):
        result = self.rule([facts(1, paper=False, kind="Blog post")])
        assert (result.scheduled_papers, result.others) == (0, 1)
        assert result.verdicts[1].reason == "Counts as one of the 5 other readings: a blog post, not a paper."

    def test_a_paper_not_on_the_schedule_is_an_other_reading(self):
        verdict = self.rule([facts(1, scheduled=False)]).verdicts[1]
        assert (verdict.counts_as, verdict.reason) == (
            OTHER,
            "Counts as one of the 5 other readings: a paper not scheduled for presentation.",
        )

    def test_late_reviews_count_unless_the_course_refuses_late_work(self):
        assert self.rule([facts(1, late=True)]).verdicts[1].counts_as == SCHEDULED_PAPER
        refused = self.rule([facts(1, late=True)], late_refused=True).verdicts[1]
        assert refused.counts_as == NOT_COUNTED and "late work is not accepted" in refused.reason

    def test_more_than_twenty_still_counts_twenty(self):
        assert self.rule([facts(n) for n in range(25)]).counted == 20


class TestSimilarity:
    def test_copied_text_overlaps_fully_and_different_text_not_at_all(self):
        original = "The authors show that nucleus sampling avoids the repetition that greedy decoding produces."
        copied = "In short, " + original + " I agree."
        other = "Watermarks bias token choices toward a green list that a detector can later test for."
        assert reviewing.overlap(reviewing.shingles(original), reviewing.shingles(copied)) == 1.0
        assert reviewing.overlap(reviewing.shingles(original), reviewing.shingles(other)) == 0.0
        assert reviewing.overlap(set(), reviewing.shingles(other)) == 0.0


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


class TestMarkdownIsSafe:
    @pytest.mark.parametrize(
        "payload",
        [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "[click](javascript:alert(1))",
            '<a href="/x" hx-post="/courses/x/members/add/" hx-trigger="load">x</a>',
            '<div hx-get="/admin/" hx-trigger="load">x</div>',
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            '<svg onload="alert(1)">',
            '<p style="background:url(javascript:alert(1))">x</p>',
            "[x](vbscript:msgbox)",
        ],
    )
    def test_payloads_render_inert(self, payload):
        elements = Elements()
        elements.feed(reviewing.render_markdown(payload))
        for tag, attributes in elements.found:
            assert tag in {"p", "a", "strong", "em", "code", "pre"}, (payload, tag)
            assert set(attributes) <= {"href", "title", "rel"}, (payload, attributes)
            scheme = (attributes.get("href") or "https:").split(":", 1)[0]
            assert scheme in ("http", "https", "mailto"), (payload, attributes)

    def test_formatting_and_web_links_survive(self):
        html = reviewing.render_markdown("**Strong** claim, see [the paper](https://arxiv.org/abs/1706.03762).")
        assert "<strong>Strong</strong>" in html
        assert '<a href="https://arxiv.org/abs/1706.03762" rel="noopener noreferrer nofollow">the paper</a>' in html
