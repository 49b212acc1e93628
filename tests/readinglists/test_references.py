"""RIS and CSL-JSON as reference managers export them, and back."""

from types import SimpleNamespace

import pytest

from courseapp.readinglists import formats
from courseapp.readinglists.references import export_csl_json, export_ris, parse_csl_json, parse_ris

ZOTERO_RIS = """TY  - JOUR
TI  - Attention Is All You Need
AU  - Vaswani, Ashish
AU  - Shazeer, Noam
PY  - 2017
T2  - Advances in Neural Information Processing Systems
UR  - https://arxiv.org/abs/1706.03762
N1  - The transformer paper.
ER  -

TY  - BLOG
TI  - The Illustrated Transformer
AU  - Alammar, Jay
PY  - 2018
UR  - https://jalammar.github.io/illustrated-transformer/
ER  -

TY  - CPAPER
AU  - Nobody, Anne
ER  -

TY  - RPRT
TI  - A Watermark for Large Language Models
DO  - 10.48550/arXiv.2301.10226
ER  -
"""

ZOTERO_CSL = """[
  {"id": "vaswani", "type": "paper-conference", "title": "Attention Is All You Need",
   "author": [{"family": "Vaswani", "given": "Ashish"}, {"family": "Shazeer", "given": "Noam"}],
   "issued": {"date-parts": [[2017, 12]]}, "container-title": "NeurIPS", "URL": "https://arxiv.org/abs/1706.03762"},
  {"id": "book", "type": "book", "title": "Deep Learning", "author": [{"literal": "Ian Goodfellow"}],
   "issued": {"raw": "2016"}, "publisher": "MIT Press"},
  {"id": "empty", "type": "article"},
  {"id": "doi", "type": "article-journal", "title": "Watermarks", "DOI": "10.48550/arXiv.2301.10226"}
]"""


def summary(parsed):
    return [(r.title, r.url, r.kind, r.authors, r.year, r.venue, r.arxiv_id) for r in parsed.all_readings()]


def test_a_zotero_ris_export():
    parsed = parse_ris(ZOTERO_RIS)
    assert summary(parsed) == [
        ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "paper", "Ashish Vaswani, Noam Shazeer", 2017,
         "Advances in Neural Information Processing Systems", "1706.03762"),
        ("The Illustrated Transformer", "https://jalammar.github.io/illustrated-transformer/", "blog", "Jay Alammar",
         2018, "", ""),
        ("A Watermark for Large Language Models", "https://arxiv.org/abs/2301.10226", "paper", "", None, "",
         "2301.10226"),
    ]  # fmt: skip
    assert parsed.all_readings()[0].annotation == "The transformer paper."
    assert parsed.warnings == ["Reference 3 has no title; it was left out."]


def test_a_zotero_csl_json_export():
    parsed = parse_csl_json(ZOTERO_CSL)
    assert summary(parsed) == [
        ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "paper", "Ashish Vaswani, Noam Shazeer", 2017,
         "NeurIPS", "1706.03762"),
        ("Deep Learning", "", "book", "Ian Goodfellow", 2016, "MIT Press", ""),
        ("Watermarks", "https://arxiv.org/abs/2301.10226", "paper", "", None, "", "2301.10226"),
    ]  # fmt: skip
    assert parsed.warnings == ["Item 3 has no title; it was left out."]


@pytest.mark.parametrize(("text", "name", "format"), [
    (ZOTERO_RIS, "", formats.RIS), (ZOTERO_CSL, "", formats.CSL_JSON), ("x", "refs.ris", formats.RIS),
    ("[]", "export.json", formats.CSL_JSON),
])  # fmt: skip
def test_recognised(text, name, format):
    assert formats.detect(text, name) == format


def test_json_that_is_not_json_is_an_error():
    assert parse_csl_json("[{").errors


READINGS = [
    SimpleNamespace(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762", kind="paper",
                    authors="Ashish Vaswani, Noam Shazeer", year=2017, venue="NeurIPS", doi="", arxiv_id="1706.03762",
                    annotation="Read first."),
    SimpleNamespace(title="Das Büchlein – ein Überblick", url="https://example.org/buch", kind="book", authors="",
                    year=None, venue="", doi="10.1000/xyz", arxiv_id="", annotation=""),
    SimpleNamespace(title="A talk", url="https://www.youtube.com/watch?v=abc", kind="video", authors="", year=2020,
                    venue="", doi="", arxiv_id="", annotation=""),
]  # fmt: skip


@pytest.mark.parametrize(("export", "parse"), [(export_ris, parse_ris), (export_csl_json, parse_csl_json)])
def test_round_trip(export, parse):
    back = parse(export(READINGS)).all_readings()
    fields = ("title", "url", "kind", "authors", "year", "venue", "doi", "arxiv_id", "annotation")
    assert [[getattr(r, f) for f in fields] for r in back] == [[getattr(r, f) for f in fields] for r in READINGS]
