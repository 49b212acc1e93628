"""Markdown lists kept as tables and as bold-title paragraphs, read from markdown-it's tokens."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseapp.readinglists.markdown import parse_markdown
from courseapp.readinglists.parsed import clean_title

LISTS = Path(__file__).resolve().parent.parent / "fixtures" / "lists"


def readings_by_section(parsed):
    return {
        section.title: [(r.title, r.url, r.kind, r.venue, r.year, r.authors) for r in section.readings]
        for section in parsed.all_sections()
    }


def test_a_list_kept_as_tables():
    parsed = parse_markdown((LISTS / "table-list.md").read_text())
    assert parsed.title == "Awesome Diffusion Papers"
    assert readings_by_section(parsed) == {
        "Image Generation": [
            ("Denoising Diffusion Probabilistic Models", "https://arxiv.org/abs/2006.11239", "paper", "NeurIPS", 2020,
             "Ho, Jain, Abbeel"),
            ("Score-Based Generative Modeling through Stochastic Differential Equations",
             "https://openreview.net/forum?id=PxTIG12RRHS", "paper", "ICLR", 2021, ""),
            ("High-Resolution Image Synthesis with Latent Diffusion Models", "https://arxiv.org/abs/2112.10752",
             "paper", "CVPR", 2022, ""),
        ],
        "Video": [("Video Diffusion Models", "https://arxiv.org/abs/2204.03458", "paper", "NeurIPS 2022", 2022, "")],
    }  # fmt: skip
    ddpm = parsed.all_readings()[0]
    assert (ddpm.arxiv_id, ddpm.authors, ddpm.annotation) == ("2006.11239", "Ho, Jain, Abbeel", "")


def test_a_list_kept_as_bold_title_paragraphs():
    parsed = parse_markdown((LISTS / "bold-paragraphs.md").read_text())
    by_section = readings_by_section(parsed)
    assert list(by_section) == ["Chain of Thought", "Tree Search"]
    cot, sc = by_section["Chain of Thought"]
    assert cot[:5] == (
        "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
        "https://arxiv.org/abs/2201.11903", "paper", "NeurIPS", 2022,
    )  # fmt: skip
    assert cot[5].startswith("Jason Wei, Xuezhi Wang") and cot[5].endswith("Denny Zhou")
    assert sc[1] == "https://arxiv.org/abs/2203.11171"  # the paper, not the code
    [tot] = by_section["Tree Search"]
    assert (tot[0], tot[1], tot[3], tot[4]) == (
        "Tree of Thoughts: Deliberate Problem Solving with Large Language Models",
        "https://arxiv.org/abs/2305.10601", "arXiv", 2023,
    )  # fmt: skip


def test_prose_paragraphs_and_badges_are_not_readings():
    parsed = parse_markdown(
        "## Notes\n\n**Important:** read the first two before class.\n\n[![x](b.svg)](https://x.org)\n"
    )
    assert parsed.all_readings() == []


def test_nested_bullets_group_labels_and_notes():
    parsed = parse_markdown((LISTS / "nested-seminar.md").read_text())
    schedule, further = parsed.all_sections()
    assert [(r.title, r.url, r.annotation) for r in schedule.readings] == [
        ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762",
         "Presenter: Kim; Slides will be posted after the session."),
        ("Denoising Diffusion Probabilistic Models", "https://arxiv.org/abs/2006.11239", "Presenter: Lee"),
        ("Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
         "https://openreview.net/forum?id=AL1fq05o7H", "Read sections 1-3 only."),
    ]  # fmt: skip
    assert [(r.title, r.url, r.authors) for r in further.readings] == [
        ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "Vaswani et al"),
        ("arXiv:2305.10601", "https://arxiv.org/abs/2305.10601", ""),
        ("The Deep Learning Book, chapter 14", "", ""),
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_a_clean_title_is_clean_and_cleaning_it_again_changes_nothing(text):
    title = clean_title(text)
    assert clean_title(title) == title
    assert title == title.strip() and not title.startswith(("* ", "• ", "- "))
    assert not re.search(r"[\U0001F300-\U0001FAFF]", title)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("**Attention Is All You Need.**", "Attention Is All You Need"),
        (
            "🔥 LLaMA: Open and Efficient Foundation Language Models ⭐",
            "LLaMA: Open and Efficient Foundation Language Models",
        ),
        ("* Deep Residual Learning", "Deep Residual Learning"),
        ("Scaling Laws, Kaplan et al.", "Scaling Laws, Kaplan et al."),
        ("[Title](https://x.org) [![stars](https://img.shields.io/x.svg)](https://github.com/x)", "Title"),
    ],
)
def test_titles_lose_markup_badges_emoji_and_a_final_period(raw, clean):
    assert clean_title(raw) == clean


@pytest.mark.parametrize(
    ("bullet", "is_work"),
    [
        ("Attention is all you need", True),
        ("**The Deep Learning Book**, chapter 14", True),
        ("Scaling laws for neural language models (Kaplan et al., 2020)", True),
        ("Bring questions for the discussion.", False),
        ("Please read at least one paper before each session", False),
        ("Slides will be posted after the session.", False),
    ],
)
def test_a_bullet_without_a_link_counts_when_it_reads_as_a_work(bullet, is_work):
    from courseapp.readinglists.markdown import reads_as_citation

    assert reads_as_citation(bullet) is is_work


def test_authors_venue_and_year_after_a_linked_title():
    parsed = parse_markdown(
        "## Papers\n- [Chain-of-Thought Prompting](https://arxiv.org/abs/2201.11903) _J. Wei, X. Wang._ NeurIPS 2022."
        " Start here.\n"
    )
    [reading] = parsed.all_readings()
    assert (reading.authors, reading.venue, reading.year, reading.annotation) == (
        "J. Wei, X. Wang", "NeurIPS", 2022, "Start here."
    )  # fmt: skip


def test_reference_style_links_and_html_anchors():
    parsed = parse_markdown(
        "## Papers\n"
        "- [Attention Is All You Need][attn] - the transformer\n"
        "- [BERT][]\n"
        '- <a href="https://arxiv.org/abs/2005.14165">Language Models are Few-Shot Learners</a>\n'
        '\n[attn]: https://arxiv.org/abs/1706.03762\n[BERT]: https://arxiv.org/abs/1810.04805 "BERT"\n'
    )
    assert [(r.title, r.url) for r in parsed.all_readings()] == [
        ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762"),
        ("BERT", "https://arxiv.org/abs/1810.04805"),
        ("Language Models are Few-Shot Learners", "https://arxiv.org/abs/2005.14165"),
    ]


def test_markdown_structure_read_from_tokens_not_lines():
    """Setext headings, items wrapped over lines, a link on the line under its title, an item's second
    paragraph, linked titles written without bullets, an HTML list, and indented code."""
    parsed = parse_markdown((LISTS / "loose-markdown.md").read_text())
    assert parsed.title == "Seminar readings"
    assert {s.title: [(r.title, r.url, r.annotation, r.venue, r.year) for r in s.readings]
            for s in parsed.all_sections()} == {
        "Week 1": [
            ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "", "", None),
            ("Language Models are Few-Shot Learners", "https://arxiv.org/abs/2005.14165", "GPT-3", "", None),
            ("Deep Residual Learning", "https://arxiv.org/abs/1512.03385", "He et al., CVPR 2016. Read sections 1-3.",
             "", None),
        ],
        "Week 2": [
            ("BERT: Pre-training of Deep Bidirectional Transformers", "https://arxiv.org/abs/1810.04805",
             "Devlin et al.", "", None),
            ("RoBERTa", "https://arxiv.org/abs/1907.11692", "", "", None),
        ],
        "Week 3": [
            ("LoRA: Low-Rank Adaptation of Large Language Models", "https://arxiv.org/abs/2106.09685", "", "ICLR",
             2022),
            ("QLoRA", "https://arxiv.org/abs/2305.14314", "", "", None),
        ],
    }  # fmt: skip
    assert parse_markdown((LISTS / "loose-markdown.md").read_text()) == parsed


def test_items_whose_links_are_captions_bold_links_venues_first_and_placeholders():
    parsed = parse_markdown((LISTS / "mixed-items.md").read_text())
    readings = [(r.title, r.url, r.kind, r.venue, r.year, r.authors, r.annotation) for r in parsed.all_readings()]
    assert readings == [
        ("Toolformer: Language Models Can Teach Themselves to Use Tools", "https://arxiv.org/abs/2302.04761", "paper",
         "", None, "", "Schick et al."),  # inside <details>
        ("Segment Anything", "https://arxiv.org/abs/2304.02643", "paper", "", None, "", ""),  # not the code link
        ("Denoising Diffusion Probabilistic Models", "https://arxiv.org/abs/2006.11239", "paper", "NeurIPS", 2020, "",
         ""),
        ("Deep Residual Learning for Image Recognition", "https://arxiv.org/abs/1512.03385", "paper", "CVPR", 2016, "",
         ""),
        ("Language Models are Unsupervised Multitask Learners",
         "https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf",
         "paper", "OpenAI", 2019, "Radford et al", ""),
        ("An Image is Worth 16x16 Words", "https://openreview.net/forum?id=YicbFdNTTy", "paper", "ICLR", 2021, "", ""),
        ("LoRA", "https://arxiv.org/abs/2106.09685", "paper", "", None, "", ""),  # emoji are not authors or notes
        ("Proximal Policy Optimization Algorithms", "https://arxiv.org/abs/1707.06347", "paper", "", None, "", ""),
        ("Playing Atari with Deep Reinforcement Learning", "https://arxiv.org/abs/1312.5602", "paper", "", None, "",
         ""),
        ("Mamba", "https://arxiv.org/abs/2312.00752", "paper", "", None, "", "Presenter: Kim"),  # "TBD" is none
    ]  # fmt: skip
    assert parsed.skipped_counts() == ["1 table row without a title"]
