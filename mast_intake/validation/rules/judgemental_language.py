"""JUDGEMENTAL_LANGUAGE: wording the guidance rules out, with a suggested rewording."""

from __future__ import annotations

import re
from functools import cache

from spacy.matcher import Matcher
from spacy.tokens import Span

from mast_intake.language.nlp import parse, pipeline
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import ITEM_ROW, Rule
from mast_intake.validation.text import all_texts, excerpt

_SELF = {"IN": ["herself", "himself", "themselves", "themself"]}
_PUTS = {"IN": ["put", "puts", "putting", "place", "places", "placing", "placed"]}
# What a child may well choose: "chose to tell her teacher" is no blame.
_POSITIVE = [
    "tell", "talk", "speak", "share", "disclose", "engage", "attend", "work", "open", "confide",
    "accept", "ask", "seek", "contact", "ring", "phone", "call", "report", "keep", "study", "revise",
    "join", "leave", "end", "stop", "block", "delete",
    "continue", "complete", "remain",
]
# "chose to go to school", "decided to stay at home": the place makes the choice a safe one.
_SAFE_PLACES = frozenset(
    "school college lessons class classes work bed home in gran nan grandma grandad mum dad "
    "church club youth foster carer carers".split()
)
_CHOICE_VERBS = frozenset({"go", "stay", "get", "be", "take", "remain", "come", "return", "move", "live"})
# "her boyfriend ... he decided to drive her": the choice is an adult's, not the child's.
_ADULTS = frozenset(
    "boyfriend man men male males adult adults driver he's perpetrator perpetrators uncle "
    "stepdad partner".split()
)
_FAMILY = frozenset("mum mother dad father parents parent family carer carers nan gran".split())
_NEGATION = frozenset({"not", "n't", "never", "no", "cannot", "nor", "without"})
# A sentence that questions the wording it quotes or reports is not using it.
_CHALLENGE = re.compile(
    r"challeng|rather than|instead of|wrongly|victim[- ]blam"
    r"|inappropriate|unhelpful|should(?:n't| not) be|can(?:not|'t) consent|unable to consent"
    r"|not able to consent|no such thing|reframe|re-frame",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|\u2018[^\u2019\n]*\u2019(?!\w)"
                     r"|(?<!\w)'[^'\n]*'(?!\w)")
# label: (token patterns, suggested rewording)
TERMS: dict[str, tuple[list[list[dict]], str]] = {
    "promiscuous": (
        [[{"LOWER": {"IN": ["promiscuous", "promiscuity", "promiscuously"]}}]],
        "describe what is happening to the child, e.g. \"is being sexually exploited\" or \"is being "
        "pressured into sexual activity by older males\"",
    ),
    "lifestyle choice": (
        [[{"LOWER": "lifestyle"}, {"LOWER": {"IN": ["choice", "choices"]}}],
         [{"LOWER": {"IN": ["chooses", "chose", "choosing", "choose"]}},
          {"LOWER": {"IN": ["this", "that", "a"]}}, {"LOWER": "lifestyle"}]],
        "children cannot consent to their own exploitation: describe the control or grooming, e.g. "
        "\"is being groomed and controlled by\"",
    ),
    "prostitute": (
        [[{"LOWER": {"REGEX": r"^prostitut"}}], [{"LOWER": "rent"}, {"LOWER": "boy"}],
         [{"LOWER": {"IN": ["sells", "selling", "sold"]}}, {"LOWER": {"IN": ["herself", "himself", "sex"]}}],
         [{"LOWER": "sex"}, {"LOWER": {"IN": ["worker", "work"]}}]],
        "children cannot be prostitutes as this is exploitation: write \"is being sexually exploited\"",
    ),
    "always tells lies": (
        [[{"LOWER": "always"}, {"LOWER": {"IN": ["tells", "tell", "told", "telling"]}}, {"LOWER": "lies"}],
         [{"LOWER": "always"}, {"LOWER": {"IN": ["lies", "lying"]}}],
         [{"LOWER": {"IN": ["compulsive", "habitual", "pathological"]}}, {"LOWER": "liar"}],
         [{"LOWER": {"IN": ["is", "a"]}}, {"LOWER": "liar"}]],
        "record what was said and what is known, e.g. \"her account differs from the police "
        "report\"; this wording could be used against the child",
    ),
    "consensual": (
        [[{"LOWER": {"IN": ["consensual", "consenting"]}}],
         [{"LOWER": {"IN": ["consented", "consents", "consenting"]}}, {"LOWER": "to"},
          {"LOWER": {"IN": ["sex", "intercourse"]}}]],
        "children cannot consent to their own exploitation: write \"was pressured into sexual activity\"",
    ),
    "putting themselves at risk": (
        [[{"LOWER": _PUTS}, {"LOWER": _SELF}, {"LOWER": {"IN": ["at", "in"]}},
          {"LOWER": {"IN": ["risk", "danger"]}}]],
        "the risk comes from the people exploiting the child: write \"is at risk from\" and who",
    ),
    "chooses to": (
        [[{"LOWER": {"IN": ["chooses", "chose", "choosing", "choose", "chosen", "decides", "decided",
                            "deciding", "opts", "opted", "opting"]}},
          {"LOWER": "to"}, {"LOWER": {"NOT_IN": _POSITIVE}}],
         [{"LOWER": {"IN": ["made", "makes", "making"]}}, {"LOWER": {"IN": ["a", "the", "her", "his"]}},
          {"LOWER": {"IN": ["choice", "decision"]}}, {"LOWER": "to"}, {"LOWER": {"NOT_IN": _POSITIVE}}],
         [{"LOWER": {"IN": ["her", "his", "their"]}}, {"LOWER": "own", "OP": "?"}, {"LOWER": "choice"}],
         [{"LOWER": "by"}, {"LOWER": "choice"}],
         [{"LOWER": {"IN": ["willingly", "voluntarily"]}}],
         [{"LOWER": "willing"}, {"LOWER": {"IN": ["participant", "participants", "victim", "partner"]}}],
         [{"LOWER": "of"}, {"LOWER": {"IN": ["her", "his", "their"]}}, {"LOWER": "own"},
          {"LOWER": "free", "OP": "?"}, {"LOWER": "will"}]],
        "a child cannot choose to be exploited: describe what draws or pressures the child, e.g. "
        "\"is being encouraged to go to the flats by older males who give her alcohol\"",
    ),
    "sexually active": (
        [[{"LOWER": "sexually"}, {"LOWER": "active"}, {"LOWER": "with"}],
         [{"LOWER": {"IN": ["sleeps", "sleeping", "slept"]}}, {"LOWER": "around"}],
         [{"LOWER": {"IN": ["transactional", "survival"]}}, {"LOWER": "sex"}],
         [{"LOWER": {"IN": ["exchanges", "exchanging", "exchanged", "trades", "trading", "traded"]}},
          {"LOWER": "sex"}, {"LOWER": "for"}]],
        "name it as abuse, e.g. \"is being sexually abused by\" or \"is being given things in "
        "return for sexual activity by\" and who",
    ),
    "lifestyle": (
        [[{"LOWER": {"NOT_IN": ["healthy", "active", "stable", "settled", "lifestyle", "choice",
                                "choices"]}}, {"LOWER": "lifestyle"},
          {"LOWER": {"NOT_IN": ["choice", "choices"]}}]],
        "describe what is happening and who is harming the child, e.g. \"is being exploited by\"",
    ),
    "streetwise": (
        [[{"LOWER": {"IN": ["streetwise", "street-wise"]}}],
         [{"LOWER": "risky"}, {"LOWER": {"IN": ["behaviour", "behaviours", "behavior", "lifestyle"]}}],
         [{"LOWER": {"IN": ["put", "puts", "putting", "places", "placing", "exposes", "exposing"]}},
          {"LOWER": _SELF}, {"LOWER": {"IN": ["in", "into"]}},
          {"LOWER": {"IN": ["risky", "dangerous", "unsafe", "vulnerable"]}}],
         [{"LOWER": {"IN": ["exposes", "exposing", "exposed"]}}, {"LOWER": _SELF}, {"LOWER": "to"}]],
        "the risk comes from the people exploiting the child: write \"is at risk from\" and who",
    ),
    "attention seeking": (
        [[{"LOWER": "attention"}, {"LOWER": "-", "OP": "?"}, {"LOWER": {"IN": ["seeking", "seeker"]}}],
         [{"LOWER": "attention-seeking"}],
         [{"LOWER": {"IN": ["enjoys", "enjoyed", "enjoying", "likes", "liked", "loves", "craves", "wants"]}},
          {"LOWER": {"IN": ["the", "all", "their", "male"]}, "OP": "?"}, {"LOWER": "attention"}]],
        "describe the behaviour and what it may tell us, e.g. \"is asking for help in the only way "
        "she can\"",
    ),
}


# Words every term above contains: texts without any are not parsed.
_HINT = re.compile(
    r"promiscu|lifestyle|prostitut|rent boy|sell|sold|sex work|\blie|lying|liar|consen|self\b|selves\b"
    r"|attention|\bchoo|\bchose|choice|decid|\bopt|willing|voluntar|own (?:free )?will|sexually active"
    r"|around|\bsex\b|streetwise|street-wise|risky"
)


@cache
def _matcher(model: str) -> Matcher:
    matcher = Matcher(pipeline(model).vocab)
    for label, (patterns, _) in TERMS.items():
        matcher.add(label, patterns)
    return matcher


class JudgementalLanguage(Rule):
    """The wording is judgemental or blames the child.

    Children cannot consent to their own exploitation and cannot be prostitutes, and the young
    person may read what we write about them. Words such as "promiscuous" or "lifestyle
    choices" put the responsibility on the child, and phrases such as "always tells lies" could
    be used against them in court. Wording that places the choice or the blame on the child
    ("chooses to go to the flats", "putting herself at risk", "sexually active with",
    "prostituting", "consensual", "lifestyle") is found too. Please describe what is happening
    to the child and who is harming them instead; each finding suggests a rewording. The
    child's words in quotation marks, another's words the worker quotes, words the worker
    negates or challenges ("this is not a lifestyle choice"), a safe choice ("chose to tell
    her teacher") and an adult's choice are not findings.

    **Anti-pattern**

        Amy is promiscuous and has made a lifestyle choice to stay out with older males.

    **Good practice**

        Amy is being groomed by older males who give her alcohol and somewhere to stay, and
        she is being pressured into sexual activity.
    """

    code = "JUDGEMENTAL_LANGUAGE"
    position = 90
    severity = Severity.SHOULD_FIX
    guide = (
        "Terms that are inappropriate and judgemental include terms such as \u2018promiscuous\u2019 "
        "and \u2018lifestyle choices\u2019."
    )
    scope = "item or whole tool"
    anchor = ITEM_ROW
    prompts = frozenset()
    short_fix = "Say what happened in plain, neutral words."

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        matcher = _matcher(options.spacy_model)
        found: dict[str | None, list] = {}
        for key, text in all_texts(record):
            if not _HINT.search(text.lower()):
                continue
            doc = parse(text, options.spacy_model)
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                label = doc.vocab.strings[match_id]
                if (_not_the_workers_words(text, span) or _safe_choice(label, span)
                        or _not_the_childs_lifestyle(label, span)):
                    continue
                found.setdefault(key, []).append((label, span, text))
        findings = []
        for key, matches in found.items():
            advice = "; ".join(
                f'instead of "{span.text}", {TERMS[label][1]}'
                for label, span, _ in {m[1].text.lower(): m for m in matches}.values()
            )
            _, span, text = matches[0]
            findings.append(self.finding(
                key,
                f"Some wording here could be read as blaming the child. Please reword it: {advice}.",
                excerpt(text, span.start_char, span.end_char),
            ))
        return findings


def _not_the_workers_words(text: str, span: Span) -> bool:
    """Quoted words (the child's, or another's the worker reports) and challenged or negated ones."""
    if any(q.start() <= span.start_char and span.end_char <= q.end() for q in _QUOTED.finditer(text)):
        return True
    before = span.doc[max(span.sent.start, span.start - 3): span.start]
    if any(token.lower_ in _NEGATION for token in before):
        return True
    return bool(_CHALLENGE.search(span.sent.text))


def _not_the_childs_lifestyle(label: str, span: Span) -> bool:
    """ "Mum's chaotic lifestyle" is about a parent, not blame on the child."""
    if label != "lifestyle":
        return False
    before = span.doc[max(span.sent.start, span.start - 3): span.start + 1]
    return any(token.lower_ in _ADULTS | _FAMILY for token in before)


def _safe_choice(label: str, span: Span) -> bool:
    """A choice to go somewhere safe ("chose to go to school"), or an adult's choice, is no blame."""
    if label != "chooses to":
        return False
    subject = span.doc[span.start - 1] if span.start > span.sent.start else None
    earlier = span.doc[span.sent.start: span.start]
    if subject is not None and (subject.lower_ in _ADULTS or (
            subject.lower_ in ("he", "they") and any(t.lower_ in _ADULTS for t in earlier))):
        return True
    if span[-1].lower_ not in _CHOICE_VERBS:
        return False
    after = span.doc[span.end: span.end + 4]
    return any(token.lower_ in _SAFE_PLACES for token in after)
