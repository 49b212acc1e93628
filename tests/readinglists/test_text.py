from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseapp.readinglists.text import item_split, parse_text, split_item

COURSE_PAGE = (Path(__file__).resolve().parent.parent / "fixtures" / "cs496-course-page.txt").read_text(
    encoding="utf-8"
)


def tree(sections, depth=0):
    """(depth, title, number of readings) for each section, subsections after their parent."""
    rows = []
    for section in sections:
        rows.append((depth, section.title, len(section.readings)))
        rows.extend(tree(section.children, depth + 1))
    return rows


class TestTheCoursePageSeed:
    parsed = parse_text(COURSE_PAGE)

    def test_exact_sections_with_their_reading_counts(self):
        assert tree(self.parsed.sections) == [
            (0, "Lecture Slides and Notebooks", 12),
            (0, "INFLUENTIAL AUTOREGRESSIVE MODELS", 2),
            (0, "TRANSFORMERS", 0),
            (1, "Architectural elements that lead up to Transformers", 6),
            (1, "Embeddings", 4),
            (1, "The Transformer Architecture", 3),
            (1, "About positional encoding", 2),
            (1, "BERT and GPT, two foundational architectures", 3),
            (1, "Why sampling strategies matter", 2),
            (1, "Reinforcement learning makes ChatGPT possible", 2),
            (1, "Symbolic Music Making with Transformers", 2),
            (1, "Making Images with Transformers", 3),
            (1, "Making Transformers Efficient", 1),
            (2, "Adding Memory/Scratch Space to a Transformer", 4),
            (1, "Language Modeling in the Audio Domain", 7),
            (1, "Fine tuning of langauge models", 1),
            (1, "Reinforcement learning for Language Models", 7),
            (1, "Multimodal Langauge Modeling", 3),
            (1, "Making Language Models Safe", 1),
            (0, "GENERATIVE ADVERSARIAL NETWORKS (GANS)", 0),
            (1, "Creating adversarial examples", 1),
            (1, "Creating GANs", 3),
            (1, "Advanced GANS", 7),
            # The text does not say where the VAE group ends: a plain heading with items of its
            # own reads as one more subsection, so diffusion and ethics stay in the group.
            (0, "Variational Auto Encoders (VAEs)", 0),
            (1, "Background needed for Variational Autoencoders", 7),
            (1, "Autoencoders", 3),
            (1, "BASIC Variational Auto Encoders (VAEs)", 4),
            (1, "ADVANCED VAEs", 8),
            (1, "VAE Applications", 5),
            (1, "Diffusion and Score Models", 7),
            (1, "Advanced Diffussion and Score Models", 6),
            (1, "Latent Diffusion (as seen in Stability AI’s image generator)", 2),
            (1, "Combining Diffusion and Transformers", 3),
            (1, "Giving the user greater control", 6),
            (1, "Ethics and Societal Effects of Generative Modeling", 7),
            (1, "How bad is the memorization problem in generative models?", 4),
            (0, "TOPICS NOT COVERD IN CLASS (BUT THAT ARE WORTH LEARNING ABOUT)", 0),
            (1, "Normalizing Flows", 1),
            (1, "FILM Layers", 1),
            (1, "Structured State Space Models", 4),
        ]
        assert len(self.parsed.all_readings()) == 144

    def test_exact_readings_of_a_section(self):
        sections = {s.title: s for s in self.parsed.all_sections()}
        readings = [
            (r.title, r.annotation, r.kind) for r in sections["BERT and GPT, two foundational architectures"].readings
        ]
        assert readings == [
            (
                "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
                "A widely-used language model based on Transformer encoder blocks.",
                "paper",
            ),
            (
                "The Illustrated GPT-2",
                "A good overview of GPT-2 and its relation to Transformer decoder blocks.",
                "blog",
            ),
            (
                "GPT-3:Language Models are Few-Shot Learners",
                "This explores the range of things that you can do with a GPT model.",
                "paper",
            ),
        ]
        slides = sections["Lecture Slides and Notebooks"].readings
        assert [r.kind for r in slides].count("slides") == 11
        assert slides[3].kind == "notebook"

    def test_kinds_from_the_words_of_notes(self):
        by_title = {r.title: r for r in self.parsed.all_readings()}
        assert by_title["Policy Gradient Methods: Tutorial and New Frontiers"].kind == "video"
        assert by_title["Reinforcement Learning: An Introduction"].kind == "book"
        assert by_title["A walkthrough of Evidence Lower Bound (ELBO)"].kind == "slides"
        # "a Harry Potter book" in a note is no book.
        assert by_title["Extracting Training Data from Large Language Models"].kind == "paper"

    def test_calendar_description_and_assignments_are_not_readings(self):
        titles = {r.title for r in self.parsed.all_readings()}
        assert not any(title.startswith(("Wed ", "Fri ", "10 points", "Course", "WARNING")) for title in titles)
        assert self.parsed.warnings == [
            "13 headings without numbered items under them (course description, assignments, calendar and the "
            "like) were left out."
        ]


class TestSplitItem:
    def test_the_title_ends_where_a_sentence_begins(self):
        cases = {
            "WaveNet: A Generative Model for Raw Audio: A highly infulential autoregressive model": (
                "WaveNet: A Generative Model for Raw Audio",
                "A highly infulential autoregressive model",
            ),
            "MaskGIT: Masked Generative Image Transformer This lets you generate in PARALLEL": (
                "MaskGIT: Masked Generative Image Transformer",
                "This lets you generate in PARALLEL",
            ),
            "Pam Samuelson’s AI Meets Copyright. This is a video lecture": (
                "Pam Samuelson’s AI Meets Copyright",
                "This is a video lecture",
            ),
            "StyleGAN2-ADA: Training GANs with Limited Data: : As of 2020, the best": (
                "StyleGAN2-ADA: Training GANs with Limited Data",
                "As of 2020, the best",
            ),
            "Jukebox: A Neural Net that Generates Music….with autoencoders": (
                "Jukebox: A Neural Net that Generates Music",
                "….with autoencoders",
            ),
            "DITTO:Diffusion Inference-Time T-Optimization for Music Generation": (
                "DITTO:Diffusion Inference-Time T-Optimization for Music Generation",
                "",
            ),
            "Meet at 9:00: Bring the slides": ("Meet at 9:00", "Bring the slides"),
        }
        for text, expected in cases.items():
            assert split_item(text) == expected, text


def test_links_in_items_become_the_readings_link():
    parsed = parse_text("Papers\n\n  1. Attention: read it https://arxiv.org/abs/1706.03762v5.\n")
    (reading,) = parsed.all_readings()
    assert (reading.title, reading.url, reading.arxiv_id, reading.annotation) == (
        "Attention",
        "https://arxiv.org/abs/1706.03762v5",
        "1706.03762",
        "read it.",
    )


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_every_reading_has_a_title(text):
    parsed = parse_text(text)
    for reading in parsed.all_readings():
        assert reading.title.strip()
    for section in parsed.all_sections():
        assert section.readings or section.children


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[A-Z][a-z]{2,12}( [a-z]{2,8}){0,4}", fullmatch=True), min_size=1, max_size=12))
def test_every_numbered_item_under_a_heading_is_a_reading(titles):
    text = "Readings\n\n" + "\n".join(f"  {n}. {title}" for n, title in enumerate(titles, start=1)) + "\n"
    assert [r.title for r in parse_text(text).all_readings()] == titles


def test_a_sentence_case_subtitle_closed_by_a_second_colon_stays_in_the_title():
    from courseapp.readinglists.text import split_item

    assert split_item("The Perceptron: A perceiving and recognizing automaton: the report that began it.") == (
        "The Perceptron: A perceiving and recognizing automaton",
        "the report that began it.",
    )


def test_bullet_markers_and_back_to_top_captions():
    from courseapp.readinglists.text import parse_text

    parsed = parse_text(
        "PAPERS\n\n  1. * Deep Residual Learning: the ResNet paper\n\nBack to top\n\n  2. • Batch Normalization\n"
    )
    assert [(s.title, [r.title for r in s.readings]) for s in parsed.all_sections()] == [
        ("PAPERS", ["Deep Residual Learning", "Batch Normalization"])
    ]


class TestUnsureTitles:
    def test_a_part_that_could_be_subtitle_or_note_keeps_the_item_whole_and_says_so(self):

        split = item_split("Wav2vec: Learning speech representations from raw audio")
        assert (split.title, split.annotation, split.unsure) == (
            "Wav2vec: Learning speech representations from raw audio", "", True,
        )  # fmt: skip
        assert split.others == [("Wav2vec", "Learning speech representations from raw audio")]

    @pytest.mark.parametrize(
        "text",
        [
            "Rotary Positional Encoding: claims to combine the benefits of both",  # lower case: a note
            "Self-Attention with Relative Positions: The most used alternative",  # opens like a note
            "Music Transformer: Applying Transformers to music composition.",  # ends a sentence
            "Image GPT: Using a Transformer to make images. This is not DALL-E.",
        ],
    )
    def test_a_clear_note_is_split_off_without_doubt(self, text):

        split = item_split(text)
        assert not split.unsure and split.annotation and ":" not in split.title
        assert split.others[0] == (" ".join(text.split()), "")  # the whole item stays a choice
