"""What a reading's link and title say about it, without fetching anything."""

import re
from urllib.parse import urlsplit

# New-style ids (1706.03762, 2104.09864v5) and old-style ones (hep-th/9901001, math.GT/0309136).
_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf|html|format)/(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.IGNORECASE,
)
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>]+", re.IGNORECASE)
# "(NeurIPS 2017)", "(ICML 2024)", "(CVPR 2020)" at the end of a title.
_VENUE_YEAR = re.compile(r"\s*\((?P<venue>[A-Za-z][\w&.\- ]{0,40}?)\s+(?P<year>(?:19|20)\d{2})\)\s*$")

# The kinds a reading can have (the Reading model's choices, without importing Django).
KINDS = ("paper", "blog", "video", "book", "slides", "notebook", "code", "other")

PAPER_HOSTS = (
    "arxiv.org",
    "openreview.net",
    "aclanthology.org",
    "aclweb.org",
    "openaccess.thecvf.com",
    "proceedings.mlr.press",
    "proceedings.neurips.cc",
    "papers.nips.cc",
    "papers.neurips.cc",
    "dl.acm.org",
    "ieeexplore.ieee.org",
    "link.springer.com",
    "doi.org",
    "dx.doi.org",
    "jmlr.org",
    "semanticscholar.org",
    "aaai.org",
    "ijcai.org",
    "isca-archive.org",
    "nature.com",
    "science.org",
)
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "bilibili.com")
CODE_HOSTS = ("github.com", "gitlab.com")
BLOG_HOSTS = (
    "medium.com",
    "substack.com",
    "distill.pub",
    "lilianweng.github.io",
    "jalammar.github.io",
    "karpathy.github.io",
    "colah.github.io",
    "sander.ai",
    "yang-song.net",
    "blog.eleuther.ai",
    "openai.com",
    "towardsdatascience.com",
    "wordpress.com",
    "blogspot.com",
)


_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<id>\d{4}\.\d{4,5})", re.IGNORECASE)


def arxiv_id(url: str) -> str:
    """The arXiv id in any arXiv address form (abs, pdf, html, versioned) or arXiv DOI
    (``10.48550/arXiv.2301.10226``), without the version."""
    match = _ARXIV.search(url or "") or _ARXIV_DOI.search(url or "")
    return match.group("id") if match else ""


def doi(text: str) -> str:
    """The DOI in a doi.org address or in text, without trailing punctuation."""
    match = _DOI.search(text or "")
    return match.group(0).rstrip(".,;)]") if match else ""


def venue_and_year(title: str) -> tuple[str, str, int | None]:
    """Split "Attention Is All You Need (NeurIPS 2017)" into the title, "NeurIPS" and 2017."""
    match = _VENUE_YEAR.search(title or "")
    if not match:
        return title, "", None
    return title[: match.start()].rstrip(), match.group("venue").strip(), int(match.group("year"))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _on(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def kind_from_url(url: str) -> str:
    """A reading's kind guessed from its link: paper, video, code or blog ("" when the link does not say)."""
    host = _host(url)
    if not host:
        return ""
    path = urlsplit(url).path.lower()
    if _on(host, VIDEO_HOSTS):
        return "video"
    if host == "huggingface.co":
        return "paper" if path.startswith("/papers/") else "blog"
    if _on(host, PAPER_HOSTS):
        return "paper"
    if _on(host, CODE_HOSTS):
        return "code"
    if path.endswith(".pdf"):  # a report on a blog's host (cdn.openai.com/…/language_models_….pdf) too
        return "paper"
    if _on(host, BLOG_HOSTS) or host.endswith(".github.io") or host.startswith("blog.") or "/blog" in path:
        return "blog"
    return ""


# Words that say what a reading is, most specific first: "Lecture Slides and Notebooks" lists
# slides, with one notebook that says so in its own title. A note is held to stricter phrases,
# since notes mention things in passing ("did GPT-2 memorize a Harry Potter book?").
_KIND_WORDS = (
    ("slides", re.compile(r"\b(?:slides?|lecture notes)\b", re.IGNORECASE)),
    ("notebook", re.compile(r"\b(?:notebooks?|colab|jupyter)\b", re.IGNORECASE)),
    ("video", re.compile(r"\bvideos?\b", re.IGNORECASE)),
    ("blog", re.compile(r"\bblog(?:\s+post)?s?\b|^The (?:Illustrated|Annotated)\b", re.IGNORECASE)),
    ("book", re.compile(r"\b(?:text)?books?\b", re.IGNORECASE)),
)
_NOTE_BOOK = re.compile(r"\b(?:an entire|the whole|this|a text)\s+book\b", re.IGNORECASE)


def kind_from_text(title: str, annotation: str = "", context: str = "") -> str:
    """The kind a reading's title, then its note, then its section's heading names, or ""."""
    for text, role in ((title, "title"), (annotation, "note"), (context, "section")):
        for kind, words in _KIND_WORDS:
            pattern = _NOTE_BOOK if kind == "book" and role == "note" else words
            if pattern.search(text or ""):
                return kind
    return ""


def kind_of(url: str, title: str, annotation: str = "", context: str = "") -> str:
    """A reading's kind from everything the list says: its link, then its own words, then its section's.

    With nothing to go on, an unlinked item is a paper (course pages list papers by title) and a
    link to a site we do not know is "other"; the preview shows every kind so it can be corrected.
    """
    return kind_from_url(url) or kind_from_text(title, annotation, context) or ("other" if url else "paper")
