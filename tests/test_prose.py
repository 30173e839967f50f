"""Letters that read as a clinician wrote them, however the notes were typed (issue 10).

The letters in tests/letters/ are typed as short notes, the way many clinicians type: phrases,
capitals or not, full stops or not, feelings as adjectives or nouns. Fictional people only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_NAMES, SAMPLES

import letterkit.api as api
from letterkit import compose
from letterkit.compose.context import closing_signs_off, composed_passages
from letterkit.compose.feelings import feeling_sentences, lexicon, understand
from letterkit.compose.pattern import compose_pattern
from letterkit.compose.prose import shape_of
from letterkit.compose.styling import easy_read_markdown
from letterkit.model.schema import Ipaf
from letterkit.model.settings import Settings

LETTERS = Path(__file__).resolve().parent / "letters"
NOTES = sorted(p for p in LETTERS.glob("notes-*.yaml") if "formulation" not in p.name)
SIGN_OFFS = (
    "With warm wishes,",
    "All the best,",
    "With best wishes,",
    "Take care, and good luck.",
    "Best wishes,",
)


def md(letter: Any, style: str | None = None) -> str:
    ctx = compose.RenderContext(letter, Settings(), style=style or "standard")
    return compose.to_markdown(ctx)


def section(text: str, heading: str) -> str:
    part = text.split(f"## {heading}\n\n", 1)[1]
    return part.split("\n## ", 1)[0]


def body(text: str) -> str:
    """From "Dear …" to the therapist's name."""
    return text.split("Dear ", 1)[1]


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?’”])\s+(?=[‘“A-Z])", paragraph) if s]


@pytest.fixture(params=NOTES, ids=lambda p: p.stem)
def notes(request: pytest.FixtureRequest) -> Any:
    return api.load(request.param)


# --------------------------------------------------------------------------- the pattern


def test_the_fixtures_are_typed_as_notes() -> None:
    assert len(NOTES) >= 4
    for path in NOTES:
        letter = api.load(path)
        assert (
            shape_of(letter.ipaf.self_).kind != "sentence" or shape_of(letter.ipaf.other).kind != "sentence"
        )


def test_every_paragraph_of_the_pattern_starts_with_a_capital_and_ends_with_punctuation(notes: Any) -> None:
    heading = "The pattern we have been working on"
    for paragraph in section(md(notes), heading).strip().split("\n\n"):
        text = paragraph.lstrip("‘“")
        assert text[:1].isupper(), paragraph
        assert re.search(r"[.!?][’”]?$", paragraph), paragraph


def test_every_sentence_with_a_self_or_other_phrase_speaks_to_the_patient(notes: Any) -> None:
    pattern = section(md(notes), "The pattern we have been working on")
    parts = [notes.ipaf.self_.strip(), notes.ipaf.other.strip()]
    carrying = [
        s
        for p in pattern.split("\n\n")
        for s in sentences(p)
        if any(part.lower() in s.lower() for part in parts)
    ]
    assert len(carrying) >= 1
    for sentence in carrying:
        assert re.search(r"(?i)\b(you|your)\b", sentence), sentence


def test_notes_are_framed_and_sentences_kept() -> None:
    letter = api.load(LETTERS / "notes-jordan.yaml")
    pattern = section(md(letter), "The pattern we have been working on")
    assert pattern.startswith(
        "You often see yourself as inadequate, a disappointment, and you tend to experience other "
        "people as critical, always keeping score."
    )
    assert "This leaves you feeling anxious and ashamed. Perhaps, too, some anger." in pattern
    # a sentence the therapist wrote is kept as written
    sample = api.load(SAMPLES / "peter-goodbye.yaml")
    assert " ".join(sample.ipaf.self_.split()) in md(sample)


def test_capitalised_notes_clauses_and_closed_notes() -> None:
    pattern = section(md(api.load(LETTERS / "notes-mina.yaml")), "The pattern we have been working on")
    # a capital typed only because notes start that way is not kept mid-sentence
    assert pattern.startswith(
        "You often feel unwanted, in the way, and you tend to experience other people as rejecting and cold."
    )
    pattern = section(md(api.load(LETTERS / "notes-ray.yaml")), "The pattern we have been working on")
    assert pattern.startswith(
        "As we have come to see it, you feel you are a burden. It can feel as if people get fed up with you "
        "sooner or later."
    )


def test_the_turning_round_and_the_inner_form_are_tentative() -> None:
    mina = section(md(api.load(LETTERS / "notes-mina.yaml")), "The pattern we have been working on")
    assert (
        "\nSometimes the pattern turns round, and you can be cold and dismissive towards your sister.\n"
        in mina
    )
    assert (
        "\nPerhaps the pattern also plays out inside you, and you can be harsh with yourself, never good enough."
        in mina
    )
    ray = section(md(api.load(LETTERS / "notes-ray.yaml")), "The pattern we have been working on")
    assert "\nSometimes the pattern turns round, and you push people away before they can go.\n" in ray
    assert "\nPerhaps you also tell yourself off for needing anything." in ray
    # a therapist's sentence that already says "sometimes" gets no second lead-in
    aliya = section(md(api.load(SAMPLES / "aliya-goodbye.yaml")), "The pattern we have been working on")
    assert "\nSometimes the pattern turns around. You become the one who judges" in aliya


def test_what_the_pattern_protects_is_printed_only_when_filled() -> None:
    mina = api.load(LETTERS / "notes-mina.yaml")
    # after "Perhaps, too, some rage." it is tentative already: no second "Perhaps"
    assert "The pattern may also protect you from feeling how much you need other people." in md(mina)
    ray = md(api.load(LETTERS / "notes-ray.yaml"))
    assert "The pattern may also protect you from knowing how much you want to be looked after." in ray
    jordan = api.load(LETTERS / "notes-jordan.yaml")
    assert "protects" not in md(jordan)
    assert jordan.ipaf.defensive_function and jordan.ipaf.defensive_function not in md(jordan)


def test_images_are_quoted_once_in_a_sentence_not_a_tag_list() -> None:
    jordan = md(api.load(LETTERS / "notes-jordan.yaml"))
    assert "In your own words, you have felt like ‘a spare part’." in jordan
    assert jordan.count("a spare part") == 1
    mina = md(api.load(LETTERS / "notes-mina.yaml"))
    assert (
        "You have put it in your own words, too: ‘the family's scaffolding’ and ‘left on the shelf’." in mina
    )
    # an image the letter already uses is not repeated
    peter = md(api.load(SAMPLES / "peter-goodbye.yaml"))
    assert "In your own words" not in section(peter, "The pattern we have been working on")
    assert peter.count("a wallflower") == 2  # once in the pattern, once in what has changed


def test_the_record_of_what_letterkit_supplied() -> None:
    ipaf = Ipaf.model_validate({"self": "inadequate", "other": "critical", "affect": ["anxious"]})
    passage = compose_pattern(ipaf, lambda path, value: compose.md_block(value))
    assert passage.supplied == [
        "You often feel ",
        ", and you tend to experience other people as ",
        ".",
    ]
    fields = [(p.path, p.text) for paragraph in passage.paragraphs for p in paragraph if p.kind == "field"]
    assert fields == [(("ipaf", "self"), "inadequate"), (("ipaf", "other"), "critical")]
    converted = [p for paragraph in passage.paragraphs for p in paragraph if p.kind == "converted"]
    assert [(p.path, p.text) for p in converted] == [(("ipaf", "affect"), "This leaves you feeling anxious.")]


def test_each_fields_text_stays_findable_in_the_markdown(notes: Any) -> None:
    """draft import finds a field by its Markdown: a composed passage keeps it whole, or
    records the words it changed to fit a frame as a rewritten piece of that field."""
    text = md(notes)
    ctx = compose.RenderContext(notes, Settings())
    rewritten = {
        p.path: p.text
        for passage in composed_passages(ctx)
        for paragraph in passage.paragraphs
        for p in paragraph
        if p.kind == "rewritten"
    }
    assert all(text.count(words) for words in rewritten.values())
    ipaf = notes.ipaf
    for key, value in (("self", ipaf.self_), ("other", ipaf.other), ("reversal", ipaf.reversal),
                       ("internalised", ipaf.internalised), ("protects", ipaf.protects)):  # fmt: skip
        if value and ("ipaf", key) not in rewritten:
            assert compose.md_block(value) in text
    for i, coping in enumerate(notes.coping_strategies):
        if ("coping_strategies", i, "strategy") not in rewritten:
            assert compose.md_block(coping.strategy, "    ") in text
        if coping.cost and ("coping_strategies", i, "cost") not in rewritten:
            assert compose.md_block(coping.cost, "    ") in text
    if notes.referral and notes.referral.reason and ("referral", "reason") not in rewritten:
        assert compose.md_block(notes.referral.reason) in text


def test_an_edit_inside_a_framed_phrase_goes_back_to_its_field(tmp_path: Path) -> None:
    path = tmp_path / "jordan.yaml"
    path.write_text((LETTERS / "notes-jordan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    api.save_draft(path, "therapist", "Ruth Okonjo")
    rendered = api.render_file(path, api.RenderOptions(format="md")).rendered  # with its Ref: line
    assert rendered is not None and isinstance(rendered.content, str)
    edited = rendered.content.replace("critical, always keeping score", "critical, always counting")
    (tmp_path / "jordan.md").write_text(edited, encoding="utf-8")
    api.import_edits(tmp_path / "jordan.md", path, "patient", "Jordan Pike")
    assert api.load(path).ipaf.other == "critical, always counting"


# --------------------------------------------------------------------------- feelings


def adjectives_only() -> list[str]:
    return sorted(
        {a for entry in lexicon().entries for a in entry.adjectives}
        - {n for e in lexicon().entries for n in e.nouns}
    )


def test_the_lexicon_has_adjective_and_noun_forms() -> None:
    assert len(lexicon().entries) >= 40
    for adjective, noun in (
        ("anxious", "anxiety"),
        ("ashamed", "shame"),
        ("angry", "anger"),
        ("empty", "emptiness"),
    ):
        assert understand(adjective).noun == noun and understand(noun).adjective == adjective


@pytest.mark.parametrize("word", adjectives_only())
def test_no_feelings_of_an_adjective_for_any_lexicon_word(word: str) -> None:
    for plain, tentative in (([word], []), ([], [word]), (["sadness"], [word]), ([word, "shame"], [word])):
        said = feeling_sentences(plain, tentative).replace(str(understand(word).noun), "NOUN")
        assert not re.search(rf"\b(?:feelings of|some|with|there is) {re.escape(word)}\b", said), said
        assert word in said or "NOUN" in said


@pytest.mark.parametrize(
    ("plain", "tentative", "said"),
    [
        (
            ["anxious", "ashamed"],
            ["angry"],
            "This leaves you feeling anxious and ashamed. Perhaps, too, some anger.",
        ),
        (
            ["anxiety", "shame"],
            ["anger"],
            "This leaves you with feelings of anxiety and shame. Perhaps, too, some anger.",
        ),
        (["anxious", "shame"], [], "This leaves you feeling anxious and ashamed."),
        (["sad", "a fear of being left"], [], "This leaves you feeling sad, with a fear of being left."),
        ([], ["angry"], "Perhaps there is some anger."),
        (["flat"], ["meh"], "This leaves you feeling flat. Perhaps, too, you feel meh at times."),
        (
            ["hopelessness"],
            ["furious"],
            "This leaves you with feelings of hopelessness. Perhaps, too, some fury.",
        ),
    ],
)
def test_feelings_read_grammatically_whichever_form_was_typed(
    plain: list[str], tentative: list[str], said: str
) -> None:
    assert feeling_sentences(plain, tentative) == said


# --------------------------------------------------------------------------- prose, not a form


def test_referral_in_one_sentence() -> None:
    jordan = md(api.load(LETTERS / "notes-jordan.yaml"))
    assert (
        "\nYour GP, Dr Hollis, referred you to us in February 2026 because of depression and irritability at home.\n"
        in jordan
    )
    ray = md(api.load(LETTERS / "notes-ray.yaml"))
    assert (
        "\nThe practice nurse referred you to us because you had stopped sleeping and eating properly.\n"
        in ray
    )
    mina = md(api.load(LETTERS / "notes-mina.yaml"))
    assert (
        "\nThe university counselling service referred you to us in March 2026 because of low mood and "
        "panic since the spring.\n" in mina
    )
    ada = md(api.load(LETTERS / "notes-ada.yaml"))
    assert (
        "\nYour occupational health adviser referred you to us in April 2026 because of tiredness, low mood "
        "and worry about going back to work.\n" in ada
    )


@pytest.mark.parametrize(
    "path", [*NOTES, *(SAMPLES / f"{n}.yaml" for n in SAMPLE_NAMES)], ids=lambda p: p.stem
)
def test_no_bold_labels_in_the_body_and_exactly_one_sign_off(path: Path) -> None:
    text = md(api.load(path))
    assert "**" not in body(text)
    assert ":**" not in text
    assert sum(text.count(sign_off) for sign_off in SIGN_OFFS) == 1


def test_coping_is_a_two_part_item_without_a_label() -> None:
    jordan = section(
        md(api.load(LETTERS / "notes-jordan.yaml")), "How you have coped, and what it has cost you"
    )
    assert "- You have coped by working late, keeping busy, and the cost has been rows with Dana.\n" in jordan
    assert (
        "- You have coped by saying nothing when hurt, and it has meant that the hurt comes out later as snapping."
        in jordan
    )
    ada = section(md(api.load(LETTERS / "notes-ada.yaml")), "How you have coped, and what it has cost you")
    assert (
        "- You have coped by working twice as hard as anyone else, and the cost has been exhaustion." in ada
    )


@pytest.mark.parametrize(
    ("closing", "signs_off"),
    [
        ("Thank you.\n\nAll the best,", True),
        ("Thank you.\n\nTake care, and good luck.", True),
        ("Thank you,\nJordan's therapist", False),
        ("With best wishes", True),
        ("Thank you for all your hard work over these weeks, Peter.", False),
        ("It was good to work with you, and I wish you the very best.", False),
    ],
)
def test_a_closing_that_signs_off_replaces_the_default(closing: str, signs_off: bool) -> None:
    assert closing_signs_off(closing) is signs_off


def test_the_closing_is_apart_from_the_patients_comments() -> None:
    letter = api.load(SAMPLES / "peter-goodbye.yaml")
    data = letter.model_dump(by_alias=True, exclude_none=True)
    data["patient_comments"] = ["I would add that my sister helped more than I said."]
    html = compose.to_html(compose.RenderContext(api.load(data), Settings()))
    comments = html.split("In your own words", 1)[1].split("</section>", 1)[0]
    assert "my sister helped" in comments
    assert "thank you for all your hard work" not in comments.lower()
    assert '<div class="closing">' in html.split("</main>", 1)[0]


# --------------------------------------------------------------------------- easy read


def test_easy_read_coping_is_two_short_sentences() -> None:
    text = md(api.load(LETTERS / "notes-jordan.yaml"), "easy-read")
    assert (
        "- You have coped by working late, keeping busy.\n\n    The cost has been rows with Dana.\n" in text
    )


def test_easy_read_keeps_list_items_whole() -> None:
    letter = api.load(LETTERS / "notes-jordan.yaml")
    html = compose.to_html(compose.RenderContext(letter, Settings(), style="easy-read"))
    items = re.findall(r"<li>(.*?)</li>", html, re.S)
    first = next(i for i in items if "took a full weekend off" in i)
    assert "You have noticed" not in first
    assert "It was the first in two years" in first and "<br" in first
    assert any("You have noticed the critical voice sooner." in i for i in items)


def test_easy_read_splits_every_sentence_fixed_wording_too() -> None:
    text = md(api.load(LETTERS / "notes-jordan.yaml"), "easy-read")
    for paragraph in body(text).split("\n\n"):
        if paragraph.startswith(("#", "-", "    ")) or "  \n" in paragraph:
            continue
        assert len(sentences(paragraph)) <= 1, paragraph
    assert "\n\nIt is a draft.\n\n" in text
    assert "\n\nPerhaps, too, some anger.\n\n" in text
    assert "\n\nSamaritans are there to listen, day or night.\n\nCall them free on 116 123.\n\n" in text


def test_easy_read_markdown_never_makes_markup() -> None:
    for text in ("It was 2026. 3. Then this.", "We met at 10. 2) We talked.", "Stop. - Then go.", "A. # B"):
        html = compose.markdown_to_html(easy_read_markdown(text))
        assert "<ol" not in html and "<ul" not in html and "<h1" not in html, html
    assert easy_read_markdown("- One. Two.\n- Three.") == "- One.  \n    Two.\n- Three."


def test_easy_read_warns_when_the_text_is_not_written_for_it() -> None:
    letter = api.load(SAMPLES / "peter-goodbye.yaml")
    warnings = (
        api.default_workspace().render(letter, api.RenderOptions(format="md", style="easy-read")).warnings
    )
    assert len(warnings) == 1 and "not yet written for easy read" in warnings[0]
    assert "12 sentences over 15 words" in warnings[0]
    assert not api.default_workspace().render(letter, api.RenderOptions(format="md")).warnings


def test_an_edit_to_what_the_pattern_protects_goes_back_to_its_field(tmp_path: Path) -> None:
    path = tmp_path / "mina.yaml"
    path.write_text((LETTERS / "notes-mina.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    api.save_draft(path, "therapist", "Ruth Okonjo")
    rendered = api.render_file(path, api.RenderOptions(format="md")).rendered
    assert rendered is not None and isinstance(rendered.content, str)
    assert "feeling how much you need other people" in rendered.content
    edited = rendered.content.replace("how much you need other people", "how much you need your friends")
    (tmp_path / "mina.md").write_text(edited, encoding="utf-8")
    result = api.import_edits(tmp_path / "mina.md", path, "patient", "Mina")
    assert "ipaf.protects" in result.changed and not result.unplaced
    assert api.load(path).ipaf.protects == "feeling how much you need your friends"
