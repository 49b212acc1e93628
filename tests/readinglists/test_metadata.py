import pytest
from hypothesis import given
from hypothesis import strategies as st

from courseapp.readinglists import metadata


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/1706.03762", "1706.03762"),
        ("https://arxiv.org/abs/1706.03762v7", "1706.03762"),
        ("https://arxiv.org/pdf/1706.03762.pdf", "1706.03762"),
        ("https://arxiv.org/pdf/1706.03762v2.pdf", "1706.03762"),
        ("https://arxiv.org/pdf/2404.02258", "2404.02258"),
        ("http://export.arxiv.org/abs/2010.11929", "2010.11929"),
        ("https://arxiv.org/html/2312.00752v2", "2312.00752"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"),
        ("https://openreview.net/forum?id=YicbFdNTTy", ""),
        ("", ""),
    ],
)
def test_arxiv_id_from_any_address_form(url, expected):
    assert metadata.arxiv_id(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://doi.org/10.1145/3442188.3445922", "10.1145/3442188.3445922"),
        ("https://dx.doi.org/10.1038/nature14539.", "10.1038/nature14539"),
        ("doi:10.18653/v1/D14-1162)", "10.18653/v1/D14-1162"),
        ("https://example.org/paper", ""),
    ],
)
def test_doi(text, expected):
    assert metadata.doi(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Attention Is All You Need (NeurIPS 2017)", ("Attention Is All You Need", "NeurIPS", 2017)),
        (
            "Resprop: Reuse sparsified backpropagation (CVPR 2020)",
            ("Resprop: Reuse sparsified backpropagation", "CVPR", 2020),
        ),
        ("Thing (ICML 2024) ", ("Thing", "ICML", 2024)),
        ("Jenson's Inequality (an example with code)", ("Jenson's Inequality (an example with code)", "", None)),
        ("GPT-4 with vision (GPT-4V)", ("GPT-4 with vision (GPT-4V)", "", None)),
    ],
)
def test_venue_and_year_from_the_title(title, expected):
    assert metadata.venue_and_year(title) == expected


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://arxiv.org/pdf/2106.05974.pdf", "paper"),
        ("https://openreview.net/forum?id=abc", "paper"),
        ("https://aclanthology.org/D14-1162/", "paper"),
        ("http://openaccess.thecvf.com/content_CVPR_2020/papers/x.pdf", "paper"),
        ("http://proceedings.mlr.press/v139/radford21a/radford21a.pdf", "paper"),
        ("https://proceedings.neurips.cc/paper/2020/hash/x.html", "paper"),
        ("https://www.youtube.com/watch?v=abc", "video"),
        ("https://youtu.be/abc", "video"),
        ("https://vimeo.com/123", "video"),
        ("https://github.com/karpathy/nanoGPT", "code"),
        ("https://lilianweng.github.io/posts/2021-07-11-diffusion-models/", "blog"),
        ("https://blog.eleuther.ai/rotary-embeddings/", "blog"),
        ("https://huggingface.co/blog/rlhf", "blog"),
        ("https://huggingface.co/papers/2404.02258", "paper"),
        ("https://medium.com/@someone/post", "blog"),
        ("https://www.tensorflow.org/guide/core/mlp_core", ""),
        ("not a url", ""),
    ],
)
def test_kind_from_the_link(url, kind):
    assert metadata.kind_from_url(url) == kind


@given(st.text())
def test_never_raises_on_any_text(text):
    assert isinstance(metadata.arxiv_id(text), str)
    assert isinstance(metadata.doi(text), str)
    assert isinstance(metadata.kind_from_url(text), str)
    title, venue, year = metadata.venue_and_year(text)
    assert isinstance(title, str) and isinstance(venue, str) and (year is None or 1900 <= year <= 2099)


def test_the_parsers_kinds_are_the_models_kinds():
    from courseapp.models import Reading
    from courseapp.readinglists.metadata import KINDS

    assert set(KINDS) == set(Reading.Kind.values)


def test_kind_of_says_other_for_unknown_sites_and_paper_for_unlinked_titles():
    from courseapp.readinglists.metadata import kind_of

    assert kind_of("https://www.tensorflow.org/guide/core/mlp_core", "Multi-Layer Perceptron") == "other"
    assert kind_of("", "Generative Adversarial Nets") == "paper"
    assert kind_of("", "Language Models", context="Lecture Slides and Notebooks") == "slides"
    assert kind_of("", "Attention Notebook", context="Lecture Slides and Notebooks") == "notebook"
    assert kind_of("https://youtu.be/x", "A blog post about videos") == "video"  # the link says it first
