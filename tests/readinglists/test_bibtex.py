from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseapp.readinglists.bibtex import export_bibtex, parse_bibtex
from courseapp.readinglists.metadata import KINDS

BIB = r"""
@inproceedings{vaswani2017,
  title     = {Attention Is {All} You Need},
  author    = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  booktitle = {NeurIPS},
  year      = {2017},
  eprint    = {1706.03762},
  archivePrefix = {arXiv},
  annote    = {The paper that introduced transformers.}
}
@article{ho2020,
  title = {Denoising Diffusion Probabilistic Models},
  author = {Jonathan Ho and Ajay Jain and Pieter Abbeel},
  doi = {10.5555/3495724.3496298},
  year = 2020
}
@book{sutton2018, title = {Reinforcement Learning: An Introduction}, author = {Sutton, Richard S. and Barto, Andrew G.},
  url = {http://incompleteideas.net/book/the-book-2nd.html}, year = {2018}}
@misc{weng2021, title = {What are Diffusion Models?}, url = {https://lilianweng.github.io/posts/2021-07-11-diffusion-models/}}
@misc{untitled, author = {Nobody}}
"""


class TestParse:
    parsed = parse_bibtex(BIB, section="From Zotero")

    def test_every_titled_entry_is_a_reading_of_the_named_section(self):
        (section,) = self.parsed.sections
        assert section.title == "From Zotero"
        assert [(r.title, r.kind) for r in section.readings] == [
            ("Attention Is All You Need", "paper"),
            ("Denoising Diffusion Probabilistic Models", "paper"),
            ("Reinforcement Learning: An Introduction", "book"),
            ("What are Diffusion Models?", "blog"),
        ]
        assert self.parsed.errors == []
        assert self.parsed.warnings == ["The entry “untitled” (line 20) has no title; it was left out."]

    def test_metadata_from_the_fields(self):
        attention, ddpm, *_ = self.parsed.all_readings()
        assert (attention.arxiv_id, attention.url, attention.venue, attention.year) == (
            "1706.03762",
            "https://arxiv.org/abs/1706.03762",
            "NeurIPS",
            2017,
        )
        assert attention.authors == "Ashish Vaswani, Noam Shazeer, Niki Parmar"
        assert attention.annotation == "The paper that introduced transformers."
        assert (ddpm.doi, ddpm.url, ddpm.year) == (
            "10.5555/3495724.3496298",
            "https://doi.org/10.5555/3495724.3496298",
            2020,
        )


def test_a_malformed_entry_is_skipped_with_a_warning_naming_its_line_and_the_rest_is_read():
    parsed = parse_bibtex("@article{good, title={Fine}}\n@article{bad title={Unclosed}}\n@book{x, title={Y}}\n")
    assert [reading.title for reading in parsed.all_readings()] == ["Fine", "Y"]
    assert parsed.errors == []
    assert parsed.warnings == ["Line 2: this entry cannot be read and was skipped: “@article{bad title=…”."]


def test_a_repeated_field_keeps_its_first_value():
    # Zotero exports repeat a field now and then; one such entry never sinks the whole file.
    parsed = parse_bibtex(
        "@article{z, title={First}, title={Second}, year={2020}, year={2021}}\n@misc{y, title={Other}}"
    )
    [first, other] = parsed.all_readings()
    assert (first.title, first.year, other.title) == ("First", 2020, "Other")
    assert parsed.warnings == ["The entry “z” (line 1) repeats “title”, “year”: the first value was kept."]


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("url = {https://example.org/a%20paper.pdf}", "https://example.org/a%20paper.pdf"),
        ("url = {https://example.org/p?id=1&format=pdf}", "https://example.org/p?id=1&format=pdf"),
        ("url = {https://example.org/my\\_paper\\%7E.pdf}", "https://example.org/my_paper%7E.pdf"),
        ('url = "https://example.org/x#section"', "https://example.org/x#section"),
        ("howpublished = {\\url{https://example.org/talk}}", "https://example.org/talk"),
    ],
)
def test_links_are_kept_whole(field, url):
    [reading] = parse_bibtex(f"@misc{{k, title={{T}}, {field}}}").all_readings()
    assert reading.url == url


def test_the_arxiv_id_of_an_arxiv_doi():
    [reading] = parse_bibtex("@article{k, title={Watermark}, doi={10.48550/arXiv.2301.10226}}").all_readings()
    assert (reading.arxiv_id, reading.url) == ("2301.10226", "https://arxiv.org/abs/2301.10226")


def test_export_then_import_gives_the_same_readings():
    readings = [
        SimpleNamespace(
            title="Attention Is All You Need", authors="Ashish Vaswani, Noam Shazeer", year=2017, venue="NeurIPS",
            doi="", arxiv_id="1706.03762", url="https://arxiv.org/abs/1706.03762", kind="paper",
            annotation="Read this first.", section_titles=["Transformers"],
        ),
        SimpleNamespace(
            title="The Illustrated Transformer", authors="", year=None, venue="", doi="", arxiv_id="",
            url="https://jalammar.github.io/illustrated-transformer/", kind="blog", annotation="", section_titles=[],
        ),
    ]  # fmt: skip
    text = export_bibtex(readings)
    assert "@article{vaswani2017attention," in text
    back = parse_bibtex(text).all_readings()
    fields = ("title", "authors", "year", "venue", "arxiv_id", "url", "kind", "annotation")
    assert [tuple(getattr(r, f) for f in fields) for r in back] == [
        tuple(getattr(r, f) for f in fields) for r in readings
    ]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    parsed = parse_bibtex(text)
    for reading in parsed.all_readings():
        assert reading.title.strip() and reading.kind in KINDS


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.from_regex(r"[A-Z][a-z]{2,10}( [A-Za-z]{2,10}){0,5}", fullmatch=True), min_size=1, max_size=8, unique=True
    )
)
def test_every_exported_title_comes_back(titles):
    readings = [
        SimpleNamespace(title=t, authors="", year=None, venue="", doi="", arxiv_id="", url="", kind="paper",
                        annotation="", section_titles=[])
        for t in titles
    ]  # fmt: skip
    assert [r.title for r in parse_bibtex(export_bibtex(readings)).all_readings()] == titles


def test_groups_or_keywords_become_sections_when_asked():
    text = (
        "@article{a, title={Attention Is All You Need}, groups={Transformers}, keywords={nlp, attention}}\n"
        "@article{b, title={Denoising Diffusion Probabilistic Models}, keywords={Diffusion; Generative models}}\n"
        "@book{c, title={Deep Learning}}\n"
    )
    by_section = {s.title: [r.title for r in s.readings] for s in parse_bibtex(text, by_keywords=True).sections}
    assert by_section == {
        "Transformers": ["Attention Is All You Need"],  # JabRef's groups before keywords
        "Diffusion": ["Denoising Diffusion Probabilistic Models"],
        "Generative models": ["Denoising Diffusion Probabilistic Models"],
        "Readings": ["Deep Learning"],  # no keywords: the section named for the import
    }
    assert [s.title for s in parse_bibtex(text).sections] == ["Readings"]


def test_skipped_entries_are_counted_by_reason():
    parsed = parse_bibtex("@article{a, title={Kept}}\n@misc{b, note={no title}}\n@article{c, title={x}, title={y}}\n")
    assert parsed.skipped_counts() == ["1 entry without a title"]
