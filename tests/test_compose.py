"""letterkit.compose: a letter to Markdown and HTML.

Each field is checked in the section where the patient will read it; text typed by people is
checked to stay text (no headings, lists, links, HTML or template code of its own).
"""

from __future__ import annotations

import copy
import html as htmllib
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import FORMULATION_DATA, GOODBYE_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

import letterkit.api as api
import letterkit.compose as compose
from letterkit.errors import SettingsError, TemplateError
from letterkit.model.loading import load_data
from letterkit.model.settings import Settings, load_settings, settings_for
from letterkit.writers.document import RenderOptions

GOODBYE_HEADINGS = [
    "What brought you here",
    "The pattern we have been working on",
    "What you hoped to change",
    "How you have coped, and what it has cost you",
    "What happened in our sessions",
    "What has changed",
    "What is still unfinished",
    "Looking ahead to our ending",
    "How the pattern showed up between us",
    "Where to find help",
]
FORMULATION_HEADINGS = [
    "The pattern we have noticed together",
    "What you would like to change",
    "Where to find help",
]
JARGON = re.compile(
    r"ipaf|transference|formulation|attachment|defensive|affect|internali[sz]ed|reversal|_", re.IGNORECASE
)
DEFAULT_GP = "Your GP is a good first person to talk to if you notice your low mood coming back."


def _options(fmt: str, kwargs: dict[str, Any]) -> RenderOptions:
    """The render options a test names: template folders as text, CSS files as a tuple."""
    if "template_dir" in kwargs:
        kwargs["template_dir"] = str(kwargs["template_dir"])
    if "css" in kwargs:
        kwargs["css"] = tuple(str(c) for c in kwargs["css"])
    return RenderOptions(format=fmt, **kwargs)


def md(data: dict[str, Any], **kwargs: Any) -> str:
    settings = kwargs.pop("settings", None)
    result = api.render(load_data(data), _options("md", kwargs), settings=settings)
    assert isinstance(result, str)
    return result


def html(data: dict[str, Any], **kwargs: Any) -> str:
    settings = kwargs.pop("settings", None)
    result = api.render(load_data(data), _options("html", kwargs), settings=settings)
    assert isinstance(result, str)
    return result


def md_headings(text: str) -> list[str]:
    return [line[3:] for line in text.splitlines() if line.startswith("## ")]


def section(text: str, heading: str) -> str:
    """The Markdown under ``## heading``, up to the next heading."""
    start = text.index(f"\n## {heading}\n") + len(heading) + 5
    end = text.find("\n## ", start)
    return text[start : end if end >= 0 else None].lstrip("\n")


def body_text(page: str) -> str:
    """The visible text of an HTML page (or of HTML made from Markdown), whitespace collapsed."""
    page = re.sub(r"(?s)<head>.*?</head>", "", page)
    page = re.sub(r"(?s)<style>.*?</style>", "", page)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def tag_counts(page: str) -> Counter[str]:
    return Counter(m.lower() for m in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)\b", page))


# ------------------------------------------------------------------ each field, where it belongs


def test_dear_uses_the_preferred_name(goodbye_data):
    assert "\nDear Sam,\n" in md(goodbye_data)


def test_dear_falls_back_to_the_full_name(goodbye_data):
    del goodbye_data["patient"]["preferred_name"]
    assert "\nDear Samuel Ferris,\n" in md(goodbye_data)


def test_therapist_signs_with_name_role_and_service(goodbye_data):
    text = md(goodbye_data)
    assert (
        "With warm wishes,\n\nNell Arbuthnot  \nCounselling psychologist, Eastwick Talking Service\n" in text
    )


def test_signature_without_role(formulation_data):
    text = md(formulation_data)
    assert "With warm wishes,\n\nNell Arbuthnot\n" in text
    assert "Counselling psychologist" not in text


def test_service_name_heads_the_letter(goodbye_data):
    text = md(goodbye_data)
    assert text.startswith("# Eastwick Talking Service\n")
    assert '<p class="service-name">Eastwick Talking Service</p>' in html(goodbye_data)


def test_date_is_written_out(goodbye_data):
    assert "\n12 March 2026\n" in md(goodbye_data)
    assert '<p class="date">12 March 2026</p>' in html(goodbye_data)


def test_month_date_is_written_out(goodbye_data):
    goodbye_data["date"] = "2026-03"
    assert "\nMarch 2026\n" in md(goodbye_data)


def test_background(goodbye_data):
    part = section(md(goodbye_data), "What brought you here")
    assert "You came because the winter felt endless and very quiet." in part


def test_referral_by_reason_and_date(goodbye_data):
    part = section(md(goodbye_data), "What brought you here")
    # one sentence: a note with a capital and a full stop is still a phrase, framed in it
    assert (
        "Your GP, Dr Lena Moss, referred you to us in January 2026 because of worry that kept you "
        "awake at night.\n" in part
    )
    assert "**" not in part


def test_referral_month_date(goodbye_data):
    goodbye_data["referral"]["date"] = "2026-01"
    assert "referred you to us in January 2026 because of" in md(goodbye_data)


def test_referral_by_without_a_date(goodbye_data):
    goodbye_data["referral"] = {"by": "the practice nurse"}
    text = md(goodbye_data)
    assert "The practice nurse referred you to us.\n" in text
    assert "Why you were referred" not in text


def test_referral_with_only_a_date(goodbye_data):
    goodbye_data["referral"] = {"date": "2026-01-15"}
    assert "You were referred to us in January 2026." in md(goodbye_data)


def test_pattern_self_and_other(goodbye_data):
    part = section(md(goodbye_data), "The pattern we have been working on")
    assert part.startswith(
        "You often feel like the spare wheel in every room you enter. "
        "You expect others to look past you to someone brighter and louder.\n"
    )


@pytest.mark.parametrize(
    ("feelings", "sentence"),
    [
        (["tiredness"], "This leaves you with feelings of tiredness."),
        (["sadness", "loneliness"], "This leaves you with feelings of sadness and loneliness."),
        (["sadness", "loneliness", "fear"], "This leaves you with feelings of sadness, loneliness and fear."),
        (["anxious", "ashamed"], "This leaves you feeling anxious and ashamed."),
        (["anxious", "shame"], "This leaves you feeling anxious and ashamed."),
    ],
)
def test_affects_are_joined_in_words(goodbye_data, feelings, sentence):
    goodbye_data["ipaf"]["affect"] = feelings
    assert f"\n{sentence}\n" in md(goodbye_data)


def test_less_conscious_affect_is_offered_tentatively(goodbye_data):
    part = section(md(goodbye_data), "The pattern we have been working on")
    assert "This leaves you with feelings of sadness and loneliness. Perhaps, too, some anger.\n" in part


def test_less_conscious_affects_alone(goodbye_data):
    goodbye_data["ipaf"]["affect"] = [
        {"feeling": "anger", "less_conscious": True},
        {"feeling": "a fear of being left", "less_conscious": True},
    ]
    text = md(goodbye_data)
    assert "\nPerhaps there is some anger and a fear of being left.\n" in text
    assert "This leaves you with feelings" not in text


def test_no_affects_no_feelings_sentence(goodbye_data):
    goodbye_data["ipaf"]["affect"] = []
    text = md(goodbye_data)
    assert "feelings of" not in text
    assert "This leaves you" not in text
    assert "Perhaps there is" not in text and "Perhaps, too" not in text


def test_imagery_is_quoted_verbatim(goodbye_data):
    goodbye_data["ipaf"]["imagery"] = ["the spare wheel", "Nobody's Sam"]
    part = section(md(goodbye_data), "The pattern we have been working on")
    # "the spare wheel" is already in the pattern; the other image is quoted once, in a sentence
    assert "In your own words, you have felt like ‘Nobody's Sam’." in part
    assert part.count("spare wheel") == 1


def test_reversal_and_internalised(goodbye_data):
    part = section(md(goodbye_data), "The pattern we have been working on")
    assert "\nSometimes you become the one who looks past other people.\n" in part
    assert (
        "\nPerhaps the pattern also plays out inside you. You can look past your own needs in just the same way."
        in part
    )


def test_goals_in_a_goodbye_letter(goodbye_data):
    part = section(md(goodbye_data), "What you hoped to change")
    assert part.strip() == "- To let the people close to you see what you need."


def test_goals_in_a_formulation(formulation_data):
    formulation_data["goals"].append("To ask for help before you are exhausted.")
    part = section(md(formulation_data), "What you would like to change")
    assert part.startswith(
        "- To rest without having to earn it first.\n- To ask for help before you are exhausted.\n\n"
    )


def test_goodbye_letter_without_goals_has_no_goals_section(goodbye_data):
    del goodbye_data["goals"]
    assert "What you hoped to change" not in md(goodbye_data)


def test_coping_strategy_and_cost(goodbye_data):
    part = section(md(goodbye_data), "How you have coped, and what it has cost you")
    # a note typed with a capital is framed; a sentence of the therapist's follows as written
    assert part.strip() == (
        "- You have coped by keeping busy with other people's problems all week.\n\n"
        "    You had no time left over for your own life."
    )


def test_coping_strategy_without_cost(goodbye_data):
    goodbye_data["coping_strategies"] = [{"strategy": "Working late."}]
    part = section(md(goodbye_data), "How you have coped, and what it has cost you")
    assert part.strip() == "- You have coped by working late."


def test_course_of_therapy(goodbye_data):
    part = section(md(goodbye_data), "What happened in our sessions")
    assert part.strip() == "We met every Tuesday and watched the pattern together closely."


def test_changes(goodbye_data):
    goodbye_data["changes"].append("You joined the choir.")
    part = section(md(goodbye_data), "What has changed")
    assert (
        part.strip() == "- You told your sister how you really felt about the move.\n- You joined the choir."
    )


def test_unfinished_business(goodbye_data):
    part = section(md(goodbye_data), "What is still unfinished")
    assert part.strip() == "- Saying no to your manager still feels dangerous."


def test_ending(goodbye_data):
    part = section(md(goodbye_data), "Looking ahead to our ending")
    assert part.strip() == "Our ending may feel like being looked past once again."


def test_transference_in_plain_words(goodbye_data):
    part = section(md(goodbye_data), "How the pattern showed up between us")
    assert part.startswith("At times you expected me to look past you as well.\n")


def test_closing_comes_before_the_signature(goodbye_data):
    text = md(goodbye_data)
    closing = text.index("Thank you for your courage and your honesty, Sam.")
    assert text.index("How the pattern showed up between us") < closing < text.index("With warm wishes,")


def test_multi_paragraph_list_item_stays_in_its_item(goodbye_data):
    goodbye_data["changes"] = ["You sleep better.\n\nYou wake less often.", "You laugh more."]
    page = html(goodbye_data)
    items = re.findall(r"(?s)<li>(.*?)</li>", page)
    assert any("You sleep better." in item and "You wake less often." in item for item in items)
    assert any("You laugh more." in item for item in items)


# ------------------------------------------------------------------ where to find help


def test_help_defaults(goodbye_data):
    part = section(md(goodbye_data), "Where to find help")
    assert part.strip().split("\n\n") == [
        DEFAULT_GP,
        "If you need help urgently for your mental health, call NHS 111 and choose option 2, "
        "at any time of day or night. In an emergency, call 999.",
        "Samaritans are there to listen, day or night. Call them free on 116 123.",
        "If you would like more help in the future, you can contact Eastwick Talking Service, "
        "or ask your GP to refer you back to us.",
    ]


def test_letter_overrides_help_lines(goodbye_data):
    goodbye_data["help"] = {"gp": "Dr Moss at the Eastwick surgery knows you well.", "come_back": "Ring Jo."}
    part = section(md(goodbye_data), "Where to find help")
    assert "Dr Moss at the Eastwick surgery knows you well." in part
    assert "Ring Jo." in part
    assert DEFAULT_GP not in part
    assert "Samaritans are there to listen" in part


def test_settings_override_help_lines_and_letter_overrides_settings(goodbye_data):
    settings = Settings.model_validate(
        {
            "service": {"name": "Westfold Wellbeing", "phone": "01632 960 777"},
            "sign_off": "Kind regards,",
            "help": {"urgent": "Call the Westfold crisis line.", "gp": "Settings GP line."},
        }
    )
    goodbye_data["help"] = {"gp": "Letter GP line."}
    text = md(goodbye_data, settings=settings)
    part = section(text, "Where to find help")
    assert "Call the Westfold crisis line." in part
    assert "Letter GP line." in part and "Settings GP line." not in part
    assert "you can contact Westfold Wellbeing on 01632 960 777, or ask your GP" in part
    assert "\nKind regards,\n" in text
    assert text.startswith("# Westfold Wellbeing\n")


# ------------------------------------------------------------------ what a letter must never show


@pytest.mark.parametrize("data", [GOODBYE_DATA, FORMULATION_DATA], ids=["goodbye", "formulation"])
@pytest.mark.parametrize("render", [md, html], ids=["md", "html"])
def test_record_only_fields_never_appear(data, render):
    data = copy.deepcopy(data)
    data["attachment_style"] = "dismissing"
    data["ipaf"]["defensive_function"] = "Staying small keeps the fear of rejection at bay."
    data["patient"]["pronouns"] = "they/them"
    out = render(data)
    for hidden in ("dismissing", "Staying small", "fear of rejection", "they/them"):
        assert hidden not in out
    assert not re.search(r"attachment|defensive", out, re.IGNORECASE)


@pytest.mark.parametrize("name", ["aliya-formulation", "aliya-goodbye", "peter-formulation", "peter-goodbye"])
def test_samples_never_show_record_only_fields(samples_dir, name):
    letter = api.load(samples_dir / f"{name}.yaml")
    assert letter.attachment_style and letter.ipaf.defensive_function
    snippet = " ".join(letter.ipaf.defensive_function.split()[:6])
    for fmt in ("md", "html"):
        out = api.render(letter, fmt)
        assert isinstance(out, str)
        assert snippet not in " ".join(out.split())
        assert letter.attachment_style not in out


# ------------------------------------------------------------------ headings


def test_goodbye_letter_headings(goodbye_data):
    text = md(goodbye_data)
    assert md_headings(text) == GOODBYE_HEADINGS
    assert re.findall(r"<h2>(.*?)</h2>", html(goodbye_data)) == [
        htmllib.escape(h, quote=False) for h in GOODBYE_HEADINGS
    ]


def test_formulation_headings(formulation_data):
    assert md_headings(md(formulation_data)) == FORMULATION_HEADINGS


def test_full_formulation_headings(goodbye_data):
    goodbye_data["kind"] = "formulation"
    assert md_headings(md(goodbye_data)) == [
        "What brought you here",
        "The pattern we have noticed together",
        "How you have coped, and what it has cost you",
        "What you would like to change",
        "What happened in our sessions",
        "Where to find help",
    ]


@pytest.mark.parametrize("name", ["aliya-formulation", "aliya-goodbye", "peter-formulation", "peter-goodbye"])
def test_headings_are_plain_words_one_per_section(samples_dir, name):
    letter = api.load(samples_dir / f"{name}.yaml")
    text = api.render(letter, "md", settings=settings_for(samples_dir / f"{name}.yaml"))
    assert isinstance(text, str)
    hashes = [line for line in text.splitlines() if line.startswith("#")]
    assert hashes[0] == "# Northbridge Talking Therapies"  # the letterhead
    headings = md_headings(text)
    assert all(line.startswith(("## ", "### ")) for line in hashes[1:])  # ### : the plan for keeping well
    assert len(headings) == len(set(headings)) >= 4
    for heading in headings:
        assert not JARGON.search(heading), heading
        assert heading[0].isupper() and not heading.endswith(":")
    assert headings[-1] == "Where to find help"


# ------------------------------------------------------------------ text stays text

NASTY = [
    "# heading",
    "#heading",
    "- item",
    "* item",
    "+ item",
    "1. item",
    "1) item",
    "> quoted",
    "---",
    "***",
    "___",
    "===",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![x](file:///etc/passwd)",
    "<https://example.org/evil>",
    "[ref]: https://example.org/evil",
    "`code`",
    "&lt;b&gt; and &amp;",
    "{{ 7*7 }}",
    "{% raw %}",
    "{# comment #}",
    "back\\slash",
]


def _blocks(counts: Counter[str]) -> Counter[str]:
    """Tags other than paragraphs: how many paragraphs a field makes depends on the frame its
    shape takes (a phrase no frame fits is quoted in a sentence of its own), not on markup."""
    return Counter({tag: n for tag, n in counts.items() if tag != "p"})


BASE_HTML_TAGS = _blocks(tag_counts(html(GOODBYE_DATA)))
BASE_MD_TAGS = _blocks(tag_counts(markdown.markdown(md(GOODBYE_DATA))))


def with_text(text: str) -> dict[str, Any]:
    data = copy.deepcopy(GOODBYE_DATA)
    data["background"] = text
    data["ipaf"]["self"] = text
    data["changes"] = [text]
    data["coping_strategies"][0]["cost"] = text
    data["closing"] = text
    return data


@pytest.mark.parametrize("text", NASTY)
def test_typed_text_renders_literally_in_markdown(text):
    out = md(with_text(text))
    # Read by an ordinary Markdown renderer, with no sanitiser to help.
    rendered = markdown.markdown(out)
    assert _blocks(tag_counts(rendered)) == BASE_MD_TAGS
    assert body_text(rendered).count(text) == 5


@pytest.mark.parametrize("text", NASTY)
def test_typed_text_renders_literally_in_html(text):
    page = html(with_text(text))
    assert _blocks(tag_counts(page)) == BASE_HTML_TAGS
    for forbidden in ("<script", "<img", "javascript:", "href", "file:"):
        assert forbidden not in page.replace(htmllib.escape(text), "")
    assert body_text(page).count(text) == 5


def test_template_code_in_text_is_not_run():
    # (Double underscores are Markdown emphasis, so a dunder would print in bold, not run.)
    out_md = md(with_text("{{ 7*7 }} and {% raw %} and {{ ''.mro }} {{ cycler }}"))
    page = html(with_text("{{ 7*7 }} and {% raw %} and {{ ''.mro }} {{ cycler }}"))
    for out in (out_md, body_text(page)):
        assert "{{ 7*7 }}" in out and "{% raw %}" in out and "{{ ''.mro }} {{ cycler }}" in out
        assert "49" not in out
        assert "<class" not in out


def test_emphasis_and_paragraphs_still_work(goodbye_data):
    goodbye_data["background"] = "You felt *very* alone.\n\nThen came **spring**."
    out = md(goodbye_data)
    assert "You felt *very* alone.\n\nThen came **spring**." in out
    page = html(goodbye_data)
    assert "<p>You felt <em>very</em> alone.</p>\n<p>Then came <strong>spring</strong>.</p>" in page


def test_accented_names_stay_as_they_are(formulation_data):
    out = md(formulation_data)
    assert "Dear Zoë Quill," in out
    page = html(formulation_data)
    assert "Dear Zoë Quill," in page
    assert "<title>Our shared understanding: Zoë Quill</title>" in page
    assert "&euml;" not in page and "&#235;" not in page and "Zoe\u0308" not in page


def test_patient_name_is_escaped_in_the_html_head(goodbye_data):
    goodbye_data["patient"]["name"] = "Sam <script>alert(1)</script> & co"
    goodbye_data["patient"]["preferred_name"] = "<b>Sam</b>"
    page = html(goodbye_data)
    assert "<script" not in page and "<b>" not in page
    assert "<title>Goodbye letter: Sam &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>" in page


def test_service_settings_are_escaped(goodbye_data):
    settings = Settings.model_validate(
        {"service": {"name": "<i>Evil</i>", "address": ["# Not a heading", "- nor a list"]}}
    )
    page = html(goodbye_data, settings=settings)
    assert "<i>" not in page
    out = md(goodbye_data, settings=settings)
    assert tag_counts(markdown.markdown(out))["li"] == tag_counts(markdown.markdown(md(goodbye_data)))["li"]


def test_css_cannot_close_its_style_element(goodbye_data, tmp_path):
    css = tmp_path / "extra.css"
    css.write_text("p { color: red }\n</style><script>alert(1)</script>", encoding="utf-8")
    page = html(goodbye_data, css=[str(css)])
    assert "<script" not in page
    assert "</style><" not in page
    assert re.search(r"p \{\s*color: red;?\s*\}", page)


def test_html_is_self_contained(goodbye_data):
    page = html(goodbye_data)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(link|img|script|iframe)\b", page)
    assert not re.search(r"\bsrc=", page)


_PIECES = st.sampled_from(
    list("#-*+_=>`[]()!<>&;:/\\{}%|~ \n.1aé")
    + ["javascript:", "<script>", "&amp;", "1. ", "- ", "\n\n", "]("]
)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.lists(_PIECES, min_size=1, max_size=25).map("".join).filter(lambda s: s.strip()))
def test_no_text_can_add_structure(text):
    data = copy.deepcopy(GOODBYE_DATA)
    data["background"] = "Start " + text
    data["changes"] = ["Start " + text]
    data["ipaf"]["self"] = text
    letter = load_data(data)
    page = api.render(letter, "html")
    out = api.render(letter, "md")
    assert isinstance(page, str) and isinstance(out, str)
    structure = (
        "h1",
        "h2",
        "h3",
        "h4",
        "li",
        "ul",
        "ol",
        "hr",
        "a",
        "img",
        "script",
        "code",
        "pre",
        "blockquote",
    )
    for tags, base in (
        (tag_counts(page), BASE_HTML_TAGS),
        (tag_counts(markdown.markdown(out)), BASE_MD_TAGS),
    ):
        assert {t: tags[t] for t in structure} == {t: base[t] for t in structure}


# ------------------------------------------------------------------ draft marking


def test_draft_is_marked(goodbye_data):
    assert "\n**DRAFT: for us to work on together**\n" in md(goodbye_data)
    page = html(goodbye_data)
    assert '<p class="draft-note">DRAFT: for us to work on together</p>' in page
    assert '<div class="draft-mark" aria-hidden="true">DRAFT</div>' in page


@pytest.mark.parametrize("status", ["agreed", "final"])
@pytest.mark.parametrize("data", [GOODBYE_DATA, FORMULATION_DATA], ids=["goodbye", "formulation"])
def test_agreed_and_final_letters_carry_no_draft_mark(data, status):
    data = copy.deepcopy(data)
    data["status"] = status
    assert "DRAFT" not in md(data)
    assert "DRAFT" not in html(data)
    assert "is-draft" not in html(data)


def test_draft_formulation_asks_for_the_patients_view(formulation_data):
    formulation_data["status"] = "draft"
    out = md(formulation_data)
    assert "DRAFT" in out
    assert "Please tell me what fits and what does not" in out


# ------------------------------------------------------------------ settings


def test_sample_settings_appear_in_the_letter(samples_dir):
    letter = api.load(samples_dir / "peter-goodbye.yaml")
    settings = load_settings(samples_dir / "letterkit.toml")
    out = api.render(letter, "md", settings=settings)
    assert "Riverside Health Centre, 14 Mill Lane, Northbridge  \nPhone: 01632 960 123" in out
    assert "Email: talking.therapies@northbridge.example" in out
    assert "You do not need to wait until things are very bad." in out
    page = api.render(letter, "html", settings=settings)
    assert "Riverside Health Centre, 14 Mill Lane, Northbridge<br>" in page
    assert "Phone: 01632 960 123" in page


def test_settings_for_picks_the_file_beside_the_letter(samples_dir, goodbye_yaml, write_letter, tmp_path):
    letter = write_letter(tmp_path, goodbye_yaml)
    assert settings_for(letter) == Settings()
    shutil.copy(samples_dir / "letterkit.toml", tmp_path / "letterkit.toml")
    settings = settings_for(letter)
    assert settings.service.name == "Northbridge Talking Therapies"
    assert settings.service.phone == "01632 960 123"
    assert settings_for(samples_dir / "peter-goodbye.yaml") == settings


def test_explicit_settings_win(goodbye_yaml, write_letter, tmp_path):
    letter = write_letter(tmp_path, goodbye_yaml)
    (tmp_path / "letterkit.toml").write_text('[service]\nname = "Beside"\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('[service]\nname = "Explicit"\n', encoding="utf-8")
    assert settings_for(letter, str(other)).service.name == "Explicit"
    assert settings_for(None).service.name is None


def test_settings_files_are_resolved_beside_the_settings(tmp_path):
    path = tmp_path / "letterkit.toml"
    path.write_text('[files]\nlogo = "art/logo.png"\n', encoding="utf-8")
    assert load_settings(path).files == {"logo": str((tmp_path / "art" / "logo.png").resolve())}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[service\nname = 1", "is not valid TOML: "),
        ('[service]\nnmae = "Typo"\n', "service.nmae: extra inputs are not permitted"),
        ("[service]\nname = 42\n", "service.name: input should be a valid string"),
        ('sign_off = ["a"]\n', "sign_off: input should be a valid string"),
    ],
)
def test_bad_settings_file(tmp_path, text, message):
    path = tmp_path / "letterkit.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert isinstance(caught.value, ValueError)


def test_bad_settings_beside_the_letter(goodbye_yaml, write_letter, tmp_path):
    letter = write_letter(tmp_path, goodbye_yaml)
    (tmp_path / "letterkit.toml").write_text("this is not toml", encoding="utf-8")
    with pytest.raises(SettingsError):
        settings_for(letter)


def test_missing_settings_file(tmp_path):
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path / "nope.toml")
    assert str(caught.value) == f"{tmp_path / 'nope.toml'}: no such settings file"


# ------------------------------------------------------------------ templates


def write_template(folder: Path, name: str, text: str) -> str:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder)


def test_template_dir_overrides_the_built_in_body(goodbye_data, tmp_path):
    folder = write_template(
        tmp_path / "t", "goodbye-letter.md.j2", "Hello {{ patient.dear }}, from our own template.\n"
    )
    out = md(goodbye_data, template_dir=folder)
    assert "\nHello Sam, from our own template.\n" in out
    assert "The pattern we have been working on" not in out
    assert "## Where to find help" in out  # the other templates are still the built-in ones
    assert "Hello Sam, from our own template." in html(goodbye_data, template_dir=folder)


def test_template_dir_can_override_a_partial(goodbye_data, tmp_path):
    folder = write_template(tmp_path / "t", "help.md.j2", "## Where to find help\n\nRing the duty desk.\n")
    part = section(md(goodbye_data, template_dir=folder), "Where to find help")
    assert part.strip() == "Ring the duty desk."


def test_template_with_undefined_variable(goodbye_data, tmp_path):
    folder = write_template(tmp_path / "t", "goodbye-letter.md.j2", "Dear {{ patient.nickname }}\n")
    for render in (md, html):
        with pytest.raises(TemplateError) as caught:
            render(goodbye_data, template_dir=folder)
        assert (
            str(caught.value)
            == "goodbye-letter.md.j2: template error: 'dict object' has no attribute 'nickname'"
        )


def test_template_with_undefined_name(goodbye_data, tmp_path):
    folder = write_template(tmp_path / "t", "goodbye-letter.md.j2", "{{ no_such_thing }}\n")
    with pytest.raises(TemplateError) as caught:
        md(goodbye_data, template_dir=folder)
    assert str(caught.value) == "goodbye-letter.md.j2: template error: 'no_such_thing' is undefined"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ patient.__init__.__globals__ }}",
        "{{ goals.append('x') }}",
    ],
)
def test_sandbox_refuses_unsafe_templates(goodbye_data, tmp_path, source):
    folder = write_template(tmp_path / "t", "goodbye-letter.md.j2", source + "\n")
    with pytest.raises(TemplateError) as caught:
        md(goodbye_data, template_dir=folder)
    assert str(caught.value).startswith("goodbye-letter.md.j2: template error: ")
    assert "unsafe" in str(caught.value) or "undefined" in str(caught.value)


def test_template_syntax_error_names_file_and_line(goodbye_data, tmp_path):
    folder = write_template(tmp_path / "t", "goodbye-letter.md.j2", "Dear {{ patient.dear }}\n{% if %}\n")
    with pytest.raises(TemplateError) as caught:
        md(goodbye_data, template_dir=folder)
    assert re.match(r".*goodbye-letter\.md\.j2:2: template error: ", str(caught.value))


def test_missing_template_dir(goodbye_data, tmp_path):
    with pytest.raises(TemplateError) as caught:
        md(goodbye_data, template_dir=str(tmp_path / "nope"))
    assert str(caught.value) == f"{tmp_path / 'nope'}: the template folder does not exist"
    assert isinstance(caught.value, LookupError)


# ------------------------------------------------------------------ small pieces


@pytest.mark.parametrize(
    ("items", "joined"), [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")]
)
def test_join_words(items, joined):
    assert compose.join_words(items) == joined


def test_long_date():
    import datetime as dt

    assert compose.long_date(dt.date(2026, 3, 1)) == "1 March 2026"
    assert compose.long_date("2026-11") == "November 2026"
    assert compose.long_date(None) == ""


def test_large_print_letter_is_laid_out_larger(goodbye_data):
    standard = html(goodbye_data)
    goodbye_data["accessibility"] = {"format": "large-print"}
    large = html(goodbye_data)
    assert large != standard
    assert "--body-size: 18pt" in large and "--body-size: 18pt" not in standard
    assert md(goodbye_data) == md({**goodbye_data, "accessibility": None})  # Markdown has no print size


def test_patient_comments_are_printed_in_their_own_section(goodbye_data):
    goodbye_data["patient_comments"] = ["I still think about the move.", "# Not a heading"]
    text = md(goodbye_data)
    part = section(text, "In your own words")
    assert part.startswith("I still think about the move.\n\n\\# Not a heading\n")
    assert md_headings(text).count("In your own words") == 1


def test_easy_read_puts_each_sentence_on_its_own(goodbye_data):
    goodbye_data["ending"] = "Our ending may feel hard. It was planned. You matter."
    goodbye_data["accessibility"] = {"format": "easy-read"}
    part = section(md(goodbye_data), "Looking ahead to our ending")
    assert part.strip() == "Our ending may feel hard.\n\nIt was planned.\n\nYou matter."
