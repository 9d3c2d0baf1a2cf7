"""JUDGEMENTAL_LANGUAGE: wording the guidance rules out, with a suggested rewording."""

from __future__ import annotations

import re
from functools import cache

from spacy.matcher import Matcher

from mast_intake.language.nlp import parse, pipeline
from mast_intake.models.assessment import Assessment
from mast_intake.models.finding import Finding, Severity
from mast_intake.validation.options import CheckOptions
from mast_intake.validation.rule import Rule
from mast_intake.validation.text import all_texts, excerpt

_SELF = {"IN": ["herself", "himself", "themselves", "themself"]}
_PUTS = {"IN": ["put", "puts", "putting", "place", "places", "placing", "placed"]}
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
    "attention seeking": (
        [[{"LOWER": "attention"}, {"LOWER": "-", "OP": "?"}, {"LOWER": {"IN": ["seeking", "seeker"]}}],
         [{"LOWER": "attention-seeking"}]],
        "describe the behaviour and what it may tell us, e.g. \"is asking for help in the only way "
        "she can\"",
    ),
}


# Words every term above contains: texts without any are not parsed.
_HINT = re.compile(
    r"promiscu|lifestyle|prostitut|rent boy|sell|sold|sex work|\blie|lying|liar|consen|self\b|selves\b"
    r"|attention"
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
    be used against them in court. Please describe what is happening to the child and who is
    harming them instead.

    **Anti-pattern**

        Amy is promiscuous and has made a lifestyle choice to stay out with older males.

    **Good practice**

        Amy is being groomed by older males who give her alcohol and somewhere to stay, and
        she is being pressured into sexual activity.
    """

    code = "JUDGEMENTAL_LANGUAGE"
    severity = Severity.SHOULD_FIX
    guide = (
        "Terms that are inappropriate and judgemental include terms such as \u2018promiscuous\u2019 "
        "and \u2018lifestyle choices\u2019."
    )
    scope = "item or whole tool"

    def check(self, record: Assessment, options: CheckOptions) -> list[Finding]:
        matcher = _matcher(options.spacy_model)
        found: dict[str | None, list] = {}
        for key, text in all_texts(record):
            if not _HINT.search(text.lower()):
                continue
            doc = parse(text, options.spacy_model)
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                found.setdefault(key, []).append((doc.vocab.strings[match_id], span, text))
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
