"""The pattern diagram: a safe, self-contained, accessible SVG, and its text alternative."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont

import letterkit
from letterkit.compose.diagram import MIN_TEXT_PT, ipaf_svg, ipaf_text_alternative
from letterkit.model.loading import load_file
from letterkit.model.schema import Ipaf
from letterkit.resources import fonts_dir

SVG = "{http://www.w3.org/2000/svg}"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
WIDTH_PT = 170 * 72 / 25.4
HOSTILE = "</text><script>alert(1)</script> & ]]> \"quoted\" 'single' <![CDATA[x]]> <!-- c -->"
ALLOWED_ELEMENTS = {"svg", "title", "desc", "rect", "text", "path", "polygon"}

LONG: dict[str, Any] = {
    "self": "You have always felt that you were the one who had to hold everything together for "
    "everybody else in the family, never allowed to rest or to ask for anything back, and that if "
    "you stopped for even a moment the whole thing would fall apart around you.",
    "other": "When people come close, you expect them to take advantage of your kindness, to use you "
    "up until there is nothing left and then to walk away without so much as a thank you.",
    "affect": [
        "exhaustion",
        "loneliness",
        "a fear of being found out",
        "bitterness",
        {"feeling": "rage", "less_conscious": True},
        {"feeling": "grief for the childhood you did not have", "less_conscious": True},
    ],
    "reversal": "Sometimes the pattern turns around. You find yourself being the one who demands and "
    "takes, expecting your children to drop everything for you, and then you feel guilty for days.",
    "internalised": "You drive yourself on without mercy, like a foreman who never lets the worker "
    "stop, even when you are ill, tired or grieving.",
    "imagery": ["the glue", "a doormat"],
}
PLAIN: dict[str, Any] = {
    "self": "You often feel you must earn your place before you can rest.",
    "other": "You expect others to keep a tally of everything you give them.",
    "affect": ["tiredness"],
}


def sample(name: str) -> Ipaf:
    return load_file(SAMPLES / f"{name}-formulation.yaml").ipaf


@pytest.fixture(scope="module")
def aliya() -> Ipaf:
    return sample("aliya")


@pytest.fixture(scope="module")
def peter() -> Ipaf:
    return sample("peter")


def ipafs() -> list[Ipaf]:
    return [sample("aliya"), sample("peter"), Ipaf.model_validate(LONG), Ipaf.model_validate(PLAIN)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def local(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def lines(root: ET.Element) -> list[str]:
    """The text drawn, one entry per line, in drawing order."""
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def drawn(root: ET.Element) -> str:
    return " ".join(lines(root))


def font_sizes(root: ET.Element) -> list[float]:
    return [float(el.attrib["font-size"]) for el in root.iter() if "font-size" in el.attrib]


def rects(root: ET.Element) -> list[tuple[float, float, float, float]]:
    return [
        (float(r.attrib["x"]), float(r.attrib["y"]), float(r.attrib["width"]), float(r.attrib["height"]))
        for r in root.iter(f"{SVG}rect")
    ]


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("scale", [1.0, 1.4])
@pytest.mark.parametrize("ipaf", ipafs(), ids=["aliya", "peter", "long", "plain"])
def test_svg_parses_and_is_an_accessible_image(ipaf: Ipaf, scale: float) -> None:
    svg = ipaf_svg(ipaf, scale=scale)
    root = parse(svg)
    assert local(root) == "svg"
    assert root.attrib["role"] == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.text == "The pattern we are working on"
    assert desc.text == ipaf_text_alternative(ipaf)
    assert root.attrib["aria-labelledby"].split() == [title.attrib["id"], desc.attrib["id"]]
    assert list(root)[:2] == [title, desc]


@pytest.mark.parametrize("scale", [1.0, 1.4])
def test_size_in_points_matches_the_view_box(aliya: Ipaf, scale: float) -> None:
    root = parse(ipaf_svg(aliya, scale=scale))
    x, y, w, h = map(float, root.attrib["viewBox"].split())
    assert (x, y) == (0, 0)
    assert root.attrib["width"] == f"{float(root.attrib['width'][:-2]):g}pt"
    assert float(root.attrib["width"].removesuffix("pt")) == pytest.approx(w)
    assert float(root.attrib["height"].removesuffix("pt")) == pytest.approx(h)
    assert w == pytest.approx(WIDTH_PT, abs=1)  # 170mm: an A4 text column, at every scale
    assert h > 100


def test_larger_scale_makes_larger_text_and_a_taller_diagram(aliya: Ipaf) -> None:
    small, large = parse(ipaf_svg(aliya)), parse(ipaf_svg(aliya, scale=1.4))
    assert min(font_sizes(large)) == pytest.approx(1.4 * min(font_sizes(small)))
    assert float(large.attrib["viewBox"].split()[3]) > float(small.attrib["viewBox"].split()[3])


@pytest.mark.parametrize("ipaf", ipafs(), ids=["aliya", "peter", "long", "plain"])
def test_self_contained(ipaf: Ipaf) -> None:
    for scale in (1.0, 1.4):
        svg = ipaf_svg(ipaf, scale=scale)
        lowered = svg.lower()
        for banned in ("href", "<image", "<script", "foreignobject", "url(", "<style", "@import", "italic"):
            assert banned not in lowered
        assert {local(el) for el in parse(svg).iter()} <= ALLOWED_ELEMENTS
        assert 'font-family="Open Sans, Arial, sans-serif"' in svg


def test_colours_and_no_italics(aliya: Ipaf) -> None:
    root = parse(ipaf_svg(aliya))
    assert root.attrib["fill"] == "#1d2327"
    assert root.attrib["font-style"] == "normal"
    for el in root.iter(f"{SVG}text"):
        assert "fill" not in el.attrib  # dark ink, from the root
        assert el.attrib.get("font-style", "normal") == "normal"
    fills = {r.attrib["fill"] for r in root.iter(f"{SVG}rect")}
    assert fills <= {"#eef4f6", "#ffffff"}
    assert {r.attrib["stroke"] for r in root.iter(f"{SVG}rect")} == {"#1f5566"}


SVG_HASHES = """
import hashlib, json, sys
from pathlib import Path

from letterkit.compose.diagram import ipaf_svg
from letterkit.model.loading import load_file
from letterkit.model.schema import Ipaf


def svg_hashes(samples, extra):
    ipafs = {name: load_file(Path(samples) / f"{name}-formulation.yaml").ipaf for name in ("aliya", "peter")}
    ipafs.update({name: Ipaf.model_validate(data) for name, data in extra.items()})
    return {
        f"{name}@{scale}": hashlib.sha256(ipaf_svg(ipaf, scale=scale).encode("utf-8")).hexdigest()
        for name, ipaf in ipafs.items()
        for scale in (1.0, 1.4)
    }


if __name__ == "__main__":
    print(json.dumps(svg_hashes(sys.argv[1], json.loads(sys.argv[2])), sort_keys=True))
"""
"""The SHA-256 of each diagram, computed the same way here and in a fresh process."""


def test_output_is_deterministic(peter: Ipaf) -> None:
    assert ipaf_svg(peter) == ipaf_svg(peter)


@pytest.mark.parametrize("seed", ["0", "1", "4294967295"])
def test_output_is_the_same_in_every_process(seed: str) -> None:
    """Nothing in the drawing depends on hash order (sets, dict of sets...) or process state:
    a process with another PYTHONHASHSEED draws byte-identical diagrams."""
    namespace: dict[str, Any] = {"__name__": "svg_hashes"}
    exec(SVG_HASHES, namespace)
    extra = {"long": LONG, "plain": PLAIN}
    here = namespace["svg_hashes"](SAMPLES, extra)
    package = Path(letterkit.__file__).resolve().parent.parent  # the letterkit this test imports
    done = subprocess.run(
        [sys.executable, "-c", SVG_HASHES, str(SAMPLES), json.dumps(extra)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(package)},
    )
    assert done.returncode == 0, done.stderr
    there = json.loads(done.stdout)
    assert len(there) == 8
    assert there == here


def test_ids_differ_between_diagrams_and_can_be_chosen(aliya: Ipaf, peter: Ipaf) -> None:
    def ids(svg: str) -> set[str]:
        return {el.attrib["id"] for el in parse(svg).iter() if "id" in el.attrib}

    assert ids(ipaf_svg(aliya)).isdisjoint(ids(ipaf_svg(peter)))
    assert ids(ipaf_svg(aliya)).isdisjoint(ids(ipaf_svg(aliya, scale=1.4)))
    assert ids(ipaf_svg(aliya, id_prefix="pattern")) == {"pattern-title", "pattern-desc"}
    assert ids(ipaf_svg(aliya, id_prefix='"><x a="')) == {"xa-title", "xa-desc"}
    assert ids(ipaf_svg(aliya, id_prefix="1 2")) == {"ipaf-12-title", "ipaf-12-desc"}


@pytest.mark.parametrize("scale", [0.0, -1.0, float("nan"), float("inf"), 10.0])
def test_bad_scale_is_refused(aliya: Ipaf, scale: float) -> None:
    with pytest.raises(ValueError, match="scale"):
        ipaf_svg(aliya, scale=scale)


# --------------------------------------------------------------------------- text and escaping


def test_hostile_text_is_escaped_everywhere() -> None:
    ipaf = Ipaf.model_validate(
        {
            "self": f"You feel {HOSTILE}",
            "other": f"Others {HOSTILE}",
            "affect": [HOSTILE, {"feeling": HOSTILE, "less_conscious": True}],
            "reversal": HOSTILE,
            "internalised": HOSTILE,
            "imagery": [HOSTILE],
        }
    )
    svg = ipaf_svg(ipaf, title=HOSTILE)
    root = parse(svg)  # still well-formed XML
    assert {local(el) for el in root.iter()} <= ALLOWED_ELEMENTS
    assert "<script" not in svg and "]]>" not in svg and "<![CDATA[" not in svg and "<!--" not in svg
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == HOSTILE
    assert desc is not None and HOSTILE in (desc.text or "")
    assert "</text><script>alert(1)</script>" in drawn(root)
    for el in root.iter():
        for value in el.attrib.values():
            assert "<" not in value and "script" not in value


def test_control_characters_are_dropped() -> None:
    ipaf = Ipaf.model_construct(
        self_="You feel\x00 small\x1b.", other="Others\x0c loom.", affect=["fear\x07"]
    )
    root = parse(ipaf_svg(ipaf))
    assert "You feel small" in drawn(root)
    assert "fear" in lines(root)


def test_markdown_emphasis_marks_are_not_drawn() -> None:
    ipaf = Ipaf.model_validate(
        {"self": "You feel *very* small.", "other": "You expect **others** to _laugh_.", "affect": ["fear"]}
    )
    text = drawn(parse(ipaf_svg(ipaf)))
    assert "You feel very small" in text and "You expect others to laugh" in text
    assert "*" not in text and "_" not in text


def test_every_box_holds_its_part_whole_with_its_hedges(aliya: Ipaf, peter: Ipaf) -> None:
    for ipaf in (aliya, peter):
        text = drawn(parse(ipaf_svg(ipaf, scale=1.4)))
        for part in (ipaf.self_, ipaf.other, ipaf.reversal, ipaf.internalised):
            if part:
                assert " ".join(part.split()) in text
    assert "You tend to expect other people to brush you aside." in drawn(parse(ipaf_svg(peter)))
    # 'on hold' is one of Peter's images, but not one of how he sees himself or others.
    assert "on hold" not in drawn(parse(ipaf_svg(peter)))
    for ipaf in ipafs():
        assert "…" not in drawn(parse(ipaf_svg(ipaf)))


def test_a_very_long_part_is_drawn_by_its_short_label_when_it_has_one() -> None:
    long_self = " ".join([LONG["self"]] * 2)
    ipaf = Ipaf.model_validate(LONG | {"self": long_self, "labels": {"self": "the glue", "other": "used up"}})
    text = drawn(parse(ipaf_svg(ipaf)))
    assert "the glue" in text and long_self not in text
    # the other part is not long: its label is not used, and the words are drawn whole
    assert " ".join(LONG["other"].split()) in text and "used up" not in text
    # without a label, even a very long part is drawn whole
    text = drawn(parse(ipaf_svg(Ipaf.model_validate(LONG | {"self": long_self}))))
    assert long_self in text


def test_short_sentences_are_shown_whole() -> None:
    ipaf = Ipaf.model_validate(
        {"self": "You feel unseen.", "other": "Others seem busy; they look away.", "affect": ["sadness"]}
    )
    text = drawn(parse(ipaf_svg(ipaf)))
    assert "You feel unseen." in text and "Others seem busy; they look away." in text


def test_reversal_and_internalised_appear_only_when_present(aliya: Ipaf, peter: Ipaf) -> None:
    text = drawn(parse(ipaf_svg(aliya)))
    assert "Sometimes it turns round" in text and "You become the one who judges" in text
    assert "Inside you" in text and "a harsh voice inside you" in text
    text = drawn(parse(ipaf_svg(peter)))
    assert "Sometimes it turns round" not in text and "Inside you" not in text

    only_reversal = aliya.model_copy(update={"internalised": None})
    text = drawn(parse(ipaf_svg(only_reversal)))
    assert "Sometimes it turns round" in text and "Inside you" not in text
    only_inside = aliya.model_copy(update={"reversal": None})
    text = drawn(parse(ipaf_svg(only_inside)))
    assert "Sometimes it turns round" not in text and "Inside you" in text
    # Each extra row makes the picture taller.
    heights = [float(parse(ipaf_svg(i)).attrib["height"][:-2]) for i in (only_inside, aliya)]
    assert heights[0] < heights[1]


def dashed(root: ET.Element) -> int:
    return sum(1 for r in root.iter(f"{SVG}rect") if "stroke-dasharray" in r.attrib)


@pytest.mark.parametrize("scale", [1.0, 1.4])
def test_less_conscious_feelings_are_offered_tentatively(aliya: Ipaf, peter: Ipaf, scale: float) -> None:
    root = parse(ipaf_svg(peter, scale=scale))
    assert "hopelessness" in lines(root)
    assert "perhaps, too, some resentment" in drawn(root)
    assert dashed(root) == 1  # in words and in the outline, not by colour
    root = parse(ipaf_svg(aliya, scale=scale))
    assert "anger" in lines(root) and "shame" in lines(root)
    assert "perhaps" not in drawn(root) and dashed(root) == 0


def test_only_less_conscious_feelings() -> None:
    ipaf = Ipaf.model_validate(
        PLAIN
        | {
            "affect": [
                {"feeling": "rage", "less_conscious": True},
                {"feeling": "envy", "less_conscious": True},
            ]
        }
    )
    root = parse(ipaf_svg(ipaf))
    assert "perhaps some rage" in drawn(root) and "perhaps, too, some envy" in drawn(root)
    assert dashed(root) == 2
    said = ipaf_text_alternative(ipaf)
    assert (
        "Between them, drawn dashed, as less certain: perhaps some rage and perhaps, too, some envy." in said
    )


def test_no_feelings_still_draws_the_arrows() -> None:
    root = parse(ipaf_svg(Ipaf.model_validate(PLAIN | {"affect": []})))
    assert len(list(root.iter(f"{SVG}polygon"))) == 2  # an arrowhead each way
    assert "link" not in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]


# --------------------------------------------------------------------------- legibility


@pytest.mark.parametrize("ipaf", ipafs(), ids=["aliya", "peter", "long", "plain"])
def test_text_is_at_least_12pt_and_16pt_in_large_print(ipaf: Ipaf) -> None:
    assert min(font_sizes(parse(ipaf_svg(ipaf)))) >= 12
    assert min(font_sizes(parse(ipaf_svg(ipaf, scale=1.4)))) >= 16
    assert min(font_sizes(parse(ipaf_svg(ipaf, scale=0.5)))) >= MIN_TEXT_PT  # never below clear print


@functools.cache
def font_metrics(bold: bool) -> tuple[dict[int, int], int]:
    """The advance width of each character of the bundled Open Sans (the font the diagram
    names first, and the one the PDF embeds), in font units; and the font's units per em."""
    font = TTFont(fonts_dir() / ("OpenSans-Bold.ttf" if bold else "OpenSans-Regular.ttf"))
    advances = font["hmtx"].metrics
    widths = {code: advances[glyph][0] for code, glyph in font.getBestCmap().items()}
    return widths, int(font["head"].unitsPerEm)


def text_width(text: str, size: float, bold: bool) -> float:
    """The width of ``text`` set in Open Sans at ``size`` points, measured from the font file
    itself, not from letterkit's own estimate (a character the font lacks counts a full em)."""
    widths, em = font_metrics(bold)
    return sum(widths.get(ord(ch), em) for ch in text) * size / em


def line_box(el: ET.Element) -> tuple[float, float, float, float]:
    """Where a line of text lies, measured with the real font: left, top, right, bottom."""
    size = float(el.attrib["font-size"])
    width = text_width(el.text or "", size, el.attrib.get("font-weight") == "bold")
    x, y = float(el.attrib["x"]), float(el.attrib["y"])
    left = x - width / 2 if el.attrib.get("text-anchor") == "middle" else x
    return left, y - 0.75 * size, left + width, y + 0.25 * size


def inside(box: tuple[float, float, float, float], rect: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = box
    x, y, w, h = rect
    return x <= left and right <= x + w and y <= top and bottom <= y + h


@pytest.mark.parametrize("scale", [1.0, 1.4, 2.0])
@pytest.mark.parametrize("ipaf", ipafs(), ids=["aliya", "peter", "long", "plain"])
def test_every_line_fits_in_its_box_and_boxes_do_not_overlap(ipaf: Ipaf, scale: float) -> None:
    root = parse(ipaf_svg(ipaf, scale=scale))
    boxes = rects(root)
    _, _, vw, vh = map(float, root.attrib["viewBox"].split())
    for x, y, w, h in boxes:
        assert 0 <= x and x + w <= vw and 0 <= y and y + h <= vh
    for el in root.iter(f"{SVG}text"):
        assert any(inside(line_box(el), rect) for rect in boxes), el.text
    for (x1, y1, w1, h1), (x2, y2, w2, h2) in combinations(boxes, 2):
        apart = x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
        assert apart, ((x1, y1, w1, h1), (x2, y2, w2, h2))


def test_long_text_wraps_onto_several_lines() -> None:
    root = parse(ipaf_svg(Ipaf.model_validate(LONG), scale=2.0))
    feeling = "perhaps, too, some grief for the childhood you did not have"
    assert feeling in drawn(root)
    assert feeling not in lines(root)  # too long for one line: wrapped inside its outline


def test_a_word_too_long_for_any_line_is_broken() -> None:
    word = "x" * 200
    ipaf = Ipaf.model_validate({"self": word, "other": word, "affect": [word]})
    root = parse(ipaf_svg(ipaf))
    boxes = rects(root)
    for el in root.iter(f"{SVG}text"):
        assert any(inside(line_box(el), rect) for rect in boxes), el.text


# --------------------------------------------------------------------------- text alternative


def test_text_alternative_for_aliya(aliya: Ipaf) -> None:
    said = ipaf_text_alternative(aliya)
    assert said.startswith("A diagram of the pattern, with arrows going both ways between two boxes.")
    assert "The first box, how you see yourself, says: “You often feel ‘second best’:" in said
    assert "The second box, how you experience others, says: “You expect other people to look down" in said
    assert "Between them are the feelings that link the two: anger and shame." in said
    assert "A row below, “Sometimes it turns round”, says: “Sometimes the pattern turns around." in said
    assert "A row below, “Inside you”, says: “Perhaps you also treat yourself this way." in said


def test_text_alternative_for_peter(peter: Ipaf) -> None:
    said = ipaf_text_alternative(peter)
    assert "says: “You often see yourself as ‘an unimportant afterthought’:" in said
    assert "“You tend to expect other people to brush you aside." in said  # the hedge kept
    assert "Between them is the feeling that links the two: hopelessness." in said
    assert "Drawn dashed, as less certain: perhaps, too, some resentment." in said
    assert "turns round" not in said and "Inside you" not in said


@pytest.mark.parametrize("ipaf", ipafs(), ids=["aliya", "peter", "long", "plain"])
def test_text_alternative_mentions_self_other_and_every_feeling(ipaf: Ipaf) -> None:
    said = ipaf_text_alternative(ipaf)
    assert "how you see yourself" in said.lower() and "how you experience others" in said.lower()
    for text in (ipaf.self_, ipaf.other):
        assert " ".join(text.split()) in said
    for affect in ipaf.affect:
        assert (affect if isinstance(affect, str) else affect.feeling) in said
    assert "…" not in said
    assert "<" not in said or "<" in ipaf.self_ + ipaf.other


def test_text_alternative_is_grammatical_for_notes() -> None:
    said = ipaf_text_alternative(
        Ipaf.model_validate(
            {"self": "inadequate, a disappointment", "other": "critical", "affect": ["anxious", "ashamed"]}
        )
    )
    assert "The first box, how you see yourself, says: “inadequate, a disappointment”." in said
    assert "The second box, how you experience others, says: “critical”." in said
    assert said.endswith("Between them are the feelings that link the two: anxious and ashamed.")


def test_text_alternative_uses_whole_sentences_without_imagery() -> None:
    said = ipaf_text_alternative(Ipaf.model_validate(PLAIN))
    assert "says: “You often feel you must earn your place before you can rest.”" in said
    assert "says: “You expect others to keep a tally of everything you give them.”" in said
    assert said.endswith("Between them is the feeling that links the two: tiredness.")


# --------------------------------------------------------------------------- limits


def test_very_long_input_gives_a_small_diagram_quickly() -> None:
    ipaf = Ipaf.model_validate(
        {
            "self": "x" * 500_000,
            "other": "word, " * 50_000,
            "affect": [f"feeling number {i}" for i in range(1000)],
            "reversal": "‘" * 10_000,
            "internalised": "*a " * 10_000,
        }
    )
    svg = ipaf_svg(ipaf)
    root = parse(svg)
    assert len(svg) < 200_000
    assert "and 993 more, in the letter" in lines(root)
    assert len(ipaf_text_alternative(ipaf)) < 25_000
    boxes = rects(root)
    for el in root.iter(f"{SVG}text"):
        assert any(inside(line_box(el), rect) for rect in boxes), el.text


def test_a_long_feeling_is_drawn_whole() -> None:
    feeling = "a deep and old sadness about everything that happened to you when you were small"
    ipaf = Ipaf.model_validate(PLAIN | {"affect": [feeling]})
    assert feeling in drawn(parse(ipaf_svg(ipaf)))
    assert feeling in ipaf_text_alternative(ipaf)
