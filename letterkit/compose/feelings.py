"""The feelings in the pattern, written grammatically whichever form the therapist typed.

A therapist may type ``anxious`` or ``anxiety``, ``angry`` or ``anger``. The letter needs an
adjective after "feeling" ("This leaves you feeling anxious and ashamed.") and a noun after
"some" ("Perhaps, too, some anger."). The forms come from the lexicon
(``letterkit.lexicon.feelings``); a word whose forms are not known is written in a wording
that fits any word ("Perhaps, too, you feel …").
"""

from __future__ import annotations

from collections.abc import Sequence

from letterkit.lexicon.feelings import ARTICLE, Feeling, Lexicon, lexicon, understand

__all__ = ["Feeling", "Lexicon", "feeling_sentences", "lexicon", "understand"]


def _join(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def feeling_sentences(plain: Sequence[str], tentative: Sequence[str], words: Lexicon | None = None) -> str:
    """The sentences that name the feelings linking the two sides of the pattern.

    >>> feeling_sentences(["anxious", "shame"], ["angry"])
    'This leaves you feeling anxious and ashamed. Perhaps, too, some anger.'
    >>> feeling_sentences(["hopelessness"], ["resentment"])
    'This leaves you with feelings of hopelessness. Perhaps, too, some resentment.'
    """
    out: list[str] = []
    shown = [understand(f, words) for f in plain if f.strip()]
    if shown:
        bare_nouns = all(f.adjective is None or f.typed == f.noun for f in shown) and all(
            f.noun is not None and not ARTICLE.match(f.noun) for f in shown
        )
        if bare_nouns:
            out.append(f"This leaves you with feelings of {_join([f.typed for f in shown])}.")
        elif all(f.noun is not None and f.adjective is None for f in shown):
            out.append(f"This leaves you with {_join([f.typed for f in shown])}.")
        else:
            # "feeling X" reads well with adjectives and with most feeling nouns ("feeling dread");
            # a noun phrase with its own article goes after "with".
            phrases = [f.typed for f in shown if f.adjective is None and f.noun and ARTICLE.match(f.noun)]
            feel = [f.adjective or f.typed for f in shown if f.typed not in phrases]
            sentence = f"This leaves you feeling {_join(feel)}"
            out.append(sentence + (f", with {_join(phrases)}." if phrases else "."))
    offered = [understand(f, words) for f in tentative if f.strip()]
    some = [f.after_some for f in offered if f.after_some]
    feel = [f.adjective or f.typed for f in offered if not f.after_some]
    lead = "Perhaps, too," if shown else "Perhaps"
    if some:
        out.append(f"{lead} {'' if shown else 'there is '}{_join(some)}.")
        lead = "Perhaps, too,"
    if feel:
        out.append(f"{lead} you feel {_join(feel)} at times.")
    return " ".join(out)
