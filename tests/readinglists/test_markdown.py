from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from courseapp.readinglists.markdown import parse_markdown

ROADMAP = (Path(__file__).resolve().parent.parent / "fixtures" / "genai-roadmap.md").read_text(encoding="utf-8")


class TestTheRoadmapSeed:
    parsed = parse_markdown(ROADMAP)

    def test_title_sections_and_subsections(self):
        assert self.parsed.title == "Generative AI Roadmap"
        tree = [(s.title, [c.title for c in s.children]) for s in self.parsed.sections]
        assert tree == [
            (
                "Background Knowledge",
                [
                    "Neural Networks Inference and Training",
                    "Transformer Architecture",
                    "Common Transformer-based Models",
                ],
            ),
            ("Large Language Models (LLMs)", ["Pretraining and Finetuning"]),
        ]

    def test_exact_readings(self):
        readings = {s.title: [r.title for r in s.readings] for s in self.parsed.all_sections()}
        assert readings == {
            "Background Knowledge": [],
            "Neural Networks Inference and Training": [
                "Multi-Layer Perceptron (MLP)",
                "Convolutional Neural Network (CNN)",
                "Recurrent Neural Network (RNN)",
                "Neural Networks and Deep Learning",
                "meProp: Sparsified Back Propagation for Accelerated Deep Learning with Reduced Overfitting",
                "Resprop: Reuse sparsified backpropagation",
            ],
            "Transformer Architecture": [
                "Attention Is All You Need",
                "An image is worth 16x16 words: Transformers for image recognition at scale",
                "Neural machine translation with a Transformer and Keras",
                "Enhanced Transformer with Rotary Position Embedding",
                "Rotary Embeddings: A Relative Revolution",
                "Teacher Forcing vs Scheduled Sampling vs Normal Mode",
            ],
            "Common Transformer-based Models": [
                "Learning transferable visual models from natural language supervision",
                "Emerging Properties in Self-Supervised Vision Transformers",
                "Masked autoencoders are scalable vision learners",
                "Scaling Vision with Sparse Mixture of Experts",
                "Mixture-of-Depths: Dynamically allocating compute in transformer-based language models",
            ],
            "Large Language Models (LLMs)": [],
            "Pretraining and Finetuning": [
                "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
                "Scaling Instruction-Finetuned Language Models",
                "Illustrating Reinforcement Learning from Human Feedback (RLHF)",
                "Language Models are Few-Shot Learners",
            ],
        }
        assert len(self.parsed.all_readings()) == 21

    def test_annotations_and_metadata(self):
        by_title = {r.title: r for r in self.parsed.all_readings()}
        vit = by_title["An image is worth 16x16 words: Transformers for image recognition at scale"]
        assert (vit.arxiv_id, vit.venue, vit.year, vit.kind, vit.annotation) == (
            "2010.11929",
            "ICLR",
            2021,
            "paper",
            "Vision Transformer",
        )
        assert by_title["Neural Networks and Deep Learning"].annotation == "Chapter 3.2 especially 3.2.6"
        assert by_title["Rotary Embeddings: A Relative Revolution"].kind == "blog"
        gpt3 = by_title["Language Models are Few-Shot Learners"]
        assert gpt3.annotation.startswith("Decoder-only LLMs; 中文导读 by 李沐: https://www.bilibili.com/")

    def test_self_check_questions(self):
        sections = {s.title: s for s in self.parsed.all_sections()}
        nn = sections["Neural Networks Inference and Training"].questions
        assert nn[0] == "Why do CNNs work better than MLPs on images?"
        assert len(nn) == 6
        assert sections["Transformer Architecture"].questions[-1].startswith("Why is RoPE better than sinusoidal")

    def test_table_of_contents_prose_and_images_are_not_readings(self):
        titles = {r.title for r in self.parsed.all_readings()}
        assert not titles & {
            "Background Knowledge",
            "Prompting",
            "paper",
            "image source",
            "LLM Evolutionary Tree",
            "here",
        }
        assert self.parsed.warnings == ["Line 113: the section “Prompting” has no readings; it was left out."]

    def test_parsing_twice_gives_the_same_list(self):
        assert parse_markdown(ROADMAP) == self.parsed


class TestItems:
    def test_plain_items_links_dashes_and_badges(self):
        parsed = parse_markdown(
            "## Reading\n"
            "- [A paper](https://arxiv.org/abs/2106.09685) - read sections 1-3\n"
            "- **The Deep Learning Book**, chapter 14 – autoencoders\n"
            "- [![badge](https://img.shields.io/x.svg)](https://github.com/x/y)\n"
            "- [Contents](#contents)\n"
            "1. [Numbered](https://youtu.be/abc) [talk]\n"
            "```\n- [Not a reading](https://example.org) inside code\n```\n"
        )
        readings = [(r.title, r.url, r.annotation, r.kind) for r in parsed.all_readings()]
        assert readings == [
            ("A paper", "https://arxiv.org/abs/2106.09685", "read sections 1-3", "paper"),
            ("The Deep Learning Book, chapter 14", "", "autoencoders", "book"),
            ("Numbered", "https://youtu.be/abc", "talk", "video"),
        ]

    def test_readings_before_any_heading_go_in_a_section_named_after_the_list(self):
        parsed = parse_markdown("# My list\n- [One](https://example.org/1)\n")
        assert [(s.title, len(s.readings)) for s in parsed.sections] == [("My list", 1)]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_keeps_every_reading_titled(text):
    parsed = parse_markdown(text)
    for reading in parsed.all_readings():
        assert reading.title.strip()
    for section in parsed.all_sections():
        assert section.readings or section.children


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.from_regex(r"#{1,4} [A-Za-z ]{1,20}", fullmatch=True),
            st.from_regex(
                r"- \[[A-Za-z ]{1,20}\]\(https://[a-z]{1,10}\.org/[a-z0-9]{0,8}\)( \[[a-z ]{1,10}\])?", fullmatch=True
            ),
            st.from_regex(r"[A-Za-z ,.]{0,40}", fullmatch=True),
        ),
        max_size=30,
    )
)
def test_every_linked_item_becomes_a_reading(lines):
    # A heading named like a table of contents, or a line introducing questions, changes the rules.
    assume(not any(line.lstrip("# ").strip().lower() in {"contents", "table of contents", "toc"} for line in lines))
    assume(not any("questions" in line.lower() for line in lines))
    parsed = parse_markdown("\n".join(lines))
    linked = [line for line in lines if line.startswith("- [")]
    assert len(parsed.all_readings()) == len(linked)


def _shape(parsed):
    fields = ("title", "url", "annotation", "kind", "arxiv_id", "venue", "year")
    return (
        parsed.title,
        [
            (s.title, s.level, s.questions, [tuple(getattr(r, f) for f in fields) for r in s.readings])
            for s in parsed.all_sections()
        ],
    )


def test_the_roadmap_exported_as_markdown_reads_back_the_same():
    from courseapp.readinglists.markdown import export_markdown

    parsed = parse_markdown(ROADMAP)
    assert _shape(parse_markdown(export_markdown(parsed))) == _shape(parsed)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Z][a-z]{2,10}( [A-Za-z]{2,10}){0,3}", fullmatch=True),
            st.lists(
                st.tuples(
                    st.from_regex(r"[A-Z][a-z]{2,10}( [a-z0-9]{1,8}){0,4}", fullmatch=True),
                    st.one_of(st.just(""), st.from_regex(r"https://[a-z]{3,8}\.org/[a-z0-9]{1,8}", fullmatch=True)),
                    st.one_of(st.just(""), st.from_regex(r"[a-z]{2,8}( [a-z]{2,8}){0,4}", fullmatch=True)),
                ),
                min_size=1,
                max_size=5,
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_list_exported_as_markdown_reads_back_the_same(sections):
    from courseapp.readinglists.markdown import export_markdown
    from courseapp.readinglists.parsed import ParsedList, ParsedSection, reading_from

    parsed = ParsedList(
        title="A list",
        sections=[
            ParsedSection(title, 2, readings=[reading_from(t, url, note, section=title) for t, url, note in items])
            for title, items in sections
        ],
        warnings=[],
    )
    assert _shape(parse_markdown(export_markdown(parsed))) == _shape(parsed)
