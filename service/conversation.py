"""Follow-up understanding without an LLM: rewrite a turn into a standalone question.

Three patterns cover most chat follow-ups: entity substitution ("And the CRO?"), carry-over of
the role a pronoun points at ("How much experience do they need?") and a switch of the second
entity in a relation ("What does the CRO do with the CFO?" then "And with the CEO?").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.lexicon import (
    CORE_ROLES,
    ROLES_BY_KEY,
    STOPWORDS,
    find_roles,
    role_spans,
    stated_line,
    strip_roles,
    tokenize,
)
from service.question import CASE_WORDS, RECIPROCAL, analyze, choice_between_roles, focus


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


# words that open a chat turn without asking anything ("Now what about the CSO?", "hmm, and the CRO?")
# (a word that also describes, "great", only with a stop after it: "great, and the CRO?", not "great VPs")
_INTERJECTION = re.compile(r"^\s*(?:(?:(?:now|alright|all right|gotcha|got it|hm+|ah|oh|ugh|wow|thanks|thank you|thx|"
                           r"ty)\b|(?:right|cool|great|nice|perfect|interesting|ok(?:ay)?)\s*[,.!]+)[\s,.!]*)+(?=\S)",
                           re.IGNORECASE)
# a few words of reaction run on into the follow-up that starts after them ("right ok how much do they make?")
_REACTION = re.compile(r"^\s*((?:[\w'’]+[\s,.!:-]+){1,5}?)(?=(?:and\s+(?:the|a|an|what|how|who|which|why|when|where|is|"
                       r"are|does|do|for|if|with|on)|what|which|who|whom|whose|when|where|why|how|is|are|does|do|did|"
                       r"can|could|should|would|will)\b)", re.IGNORECASE)
_QUESTION_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how|is|are|does|do|did|can|could|should|"
                            r"would|will|and|or)\b", re.IGNORECASE)
# (not words that set the case the follow-up asks in: "in bigger orgs who do they report to?")
# (nor a follow-up's own opening, "so", "what about"; nor a determiner, "the", "our", "all")
_SETS_CASE = re.compile(rf"\s*(?:{CASE_WORDS}|a|an|the|over|under|our|my|your|their|from|to|by|now that|say|like|only|"
                        r"just|also|both|either|each|every|all|any|some|most|so|ok|okay|but|then|and|what about|"
                        r"how about|same for)\b", re.IGNORECASE)
_FOLLOWUP_START = re.compile(r"^\s*(?:and|also|but|so|ok(?:ay)?|what about|how about|same for|and what about)\b",
                             re.IGNORECASE)
_PRONOUN = re.compile(r"\b(they|them|their|theirs|he|she|him|his|her|hers|this role|that role|the role|"
                      r"this position|that position|the position|this person|that person|that option|"
                      r"that hire|this hire|that exec|this exec|that leader|this leader|"
                      r"that path|that one|this one|(?<=hiring )one|(?<=hire )one|(?<=having )one|(?<=have )one|"
                      r"(?<=need )one|(?<=pick )one|(?<=choose )one|(?<=go with )one|(?<=prefer )one|(?<=want )one|"
                      r"(?<=bringing in )one|(?<=bring in )one|(?<=getting )one|(?<=get )one|"
                      # "the risks with bringing one in", "recruiting one"
                      r"(?<=bringing )one|(?<=bring )one|(?<=recruiting )one|(?<=recruit )one|(?<=appointing )one|"
                      r"(?<=appoint )one|(?<=onboarding )one|(?<=onboard )one|(?<=hired )one|"
                      r"(?<=does )one|(?<=would )one|(?<=should )one|(?<=will )one|(?<=can )one|"
                      # "what does a really good one look like?"
                      r"(?<=good )one|(?<=great )one|(?<=strong )one|(?<=ideal )one|(?<=solid )one|"
                      r"(?<=typical )one|(?<=new )one|"
                      # "what traits should we look for in one?"
                      r"(?<=\bin )one(?=\s*[?.!]*\s*$))\b"
                      # ("when we hire one of these execs": either of them, no one role)
                      r"(?!\s+of\s+(?:these|those|them|the\s+two|the\s+roles|our|the\s+execs))",
                      re.IGNORECASE)
# Words that point back without naming a role ("how much experience on top of that?", "why set it up that way?")
_ANAPHOR = re.compile(r"\b(?:that|this|it|those|these|ones|both|either|other|there|then|too|also|else|tho|though|"
                      r"instead|same)\b", re.IGNORECASE)
# a yes/no follow-up whose subject points back: "so is it ...", "hm does that ..."
_POINTED_SUBJECT = (r"^\W*(?:(?:so|and|but|ok(?:ay)?|hm+|wait)\W+)*"
                    r"(?:is|isn['’]?t|does|doesn['’]?t|do|was|would|will|can)\s+")
# "is it the same thing as a CSO?", "isn't that basically a VP of Sales?": the role before, set beside another
_IT_ROLE = re.compile(_POINTED_SUBJECT + r"(it|that|this)\b"
                      r"(?=\s+(?:[\w-]+\s+){0,3}?(?:same|different|like|similar|just|basically|essentially|another|"
                      r"equivalent|as|kind|type)\b)", re.IGNORECASE)
# "is that mostly performance-based?": what was just answered (not "is that role ...")
_THAT_SUBJECT = re.compile(_POINTED_SUBJECT + r"(?:that|it|this)\b"
                           r"(?!\s+(?:role|position|person|one|title|job|exec\w*)\b)", re.IGNORECASE)
# "and for a startup?", "what about in a big enterprise?": a new case for the same question
_NEW_CASE = re.compile(r"^\W*(?:(?:and|but|so|ok(?:ay)?|what about|how about)\W+)*(?:for|in|at)\s+"
                       r"(?P<case>(?:a|an|our|my|the)\s+[^?]+?)\W*$", re.IGNORECASE)
# a choice asked again in another case: "and for long-term growth?", "what if we're mostly renewals?"
_NEW_NEED = re.compile(r"^\W*(?:(?:and|but|so|ok(?:ay)?|how about)\W+)*(?:what\s+)?(?P<word>for|if)\s+"
                       r"(?P<case>[^?]+?)\W*$", re.IGNORECASE)
# the last question asked again in another case: "does that change if we also hire a CRO?", "would it be different
# for a startup?", "does that still hold once we have a CRO?"
_CHANGES_IF = re.compile(r"^\W*(?:(?:and|but|so|ok(?:ay)?|hm+)\W+)*(?:does|would|will|could|is|can)\s+(?:that|it|this|"
                         r"the\s+answer)\s+(?:change|be\s+different|differ|(?:still\s+)?(?:hold|apply)|"
                         r"still\s+be\s+the\s+case|stay\s+the\s+same)\s+(?P<word>if|when|once|for|at|in)\s+"
                         r"(?P<case>[^?]+?)\W*$", re.IGNORECASE)
_CASE_CLAUSE = re.compile(r",?\s*\b(?:if|when|for|in case)\b[^?]*", re.IGNORECASE)
# "and which departments?", "what about which teams?": the previous question, asking for other things
_ELLIPTIC_WH = re.compile(r"^\W*(?:(?:and|but|so|ok(?:ay)?|what about|how about)\W+)+(?:which|what)\s+\w+\W*$",
                          re.IGNORECASE)
_THAT_PERSON = re.compile(r"\b(?:that|this)\s+(?:person|guy|gal|exec\w*|boss|leader|manager)\b", re.IGNORECASE)
_COMPARED = re.compile(r"\b(?:compared?|comparison|vs\.?|versus|than|relative|against)\b", re.IGNORECASE)
# "which ones matter most for a CSO?" picks among what the previous answer listed
_WHICH_OF = re.compile(r"\bwhich\s+(?:ones|of\s+(?:those|these|them))\b", re.IGNORECASE)
# a plural set first as the topic: "and those AEs, ...", "ok these reps -"
_TOPIC_PLURAL = re.compile(r"^\W*(?:(?:and|so|but|ok(?:ay)?|what about)\W+)*(?:those|these|the)\s+"
                           r"(?:[\w-]+\s+)?[\w-]+s\b\s*(?:[,:—]|\s-\s)", re.IGNORECASE)
_PLURAL = re.compile(r"\b(?:they|them|their|theirs|both|the two|each)\b", re.IGNORECASE)
_NOT_COVERED = "Sorry, the articles"
# Questions whose answer is a role ("Which role owns...", "Who coaches..."), unlike "Who does X report to".
# (after a clause that sets the case: "if we want quick wins, which role should we hire?")
_ASKS_WHO = re.compile(r"(?:^|[,;:.?!-]\s)\s*(?:which\b|who\s+(?!does\b|do\b|did\b|is\b|are\b|was\b|were\b|"
                       r"should\b|would\b|will\b|can\b|could\b|has\b|have\b)\w+)", re.IGNORECASE)
# "which departments report to the CRO?" asks for things, not a role: a plural noun after "which" that names no
# kind of role (a verb after "which" asks for one: "which fits us?", "which comes first?")
_WHICH_THINGS = re.compile(r"\bwhich\s+(?!(?:ones|roles|positions|execs|executives|titles|leaders|officers|people|"
                           r"folks|colleagues|peers|vps|cros|csos|chiefs|heads|is|was|does|has)\b)"
                           r"(?!(?:fit|suit|come|report|make|work|pay|earn|get|own|handle|lead|run|matter|sit|manage|"
                           r"need|tend|focus|oversee|go|answer|take|deal|cover|sound|seem|look|rank|win)s\b)"
                           r"[a-z-]+s\b", re.IGNORECASE)
_CHOICE = re.compile(r"\b(?:which one|which of (?:them|the two|these|those|the three)|which role|which position|"
                     r"either one|whichever(?: one)?|either of (?:them|the two|those)|"
                     r"both(?: of them)?|the two)\b|^\s*(?:(?:and|so|ok|okay|then)\s+)?which\s+(?:should|would|is|fits|"
                     r"suits|makes|works|pays|earns|gets)\b", re.IGNORECASE)
# a follow-up that asks a question of its own ("and what are they incentivized on?"), not a fragment
# ("what about all-in?", "how about with bonuses?" ask nothing of their own: the question before goes on)
_OWN_QUESTION = re.compile(r"\b(?:who|what(?!\s+about\b)|whats|how(?!\s+about\b)|when|why|which|where)\b",
                           re.IGNORECASE)
# a yes/no question of its own, its connectives set aside: "so does the CRO coach the VP?"
_YESNO_START = re.compile(r"(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have)\s+"
                          r"(?!that\b|this\b|it\b|so\b)", re.IGNORECASE)
# "that" as what is acted on ("what tech helps them with that?"): the previous question's topic
_THAT_OBJECT = re.compile(r"\b(?:with|for|about|on|in|handle|handles|manage|manages|own|owns|use|uses|using|"
                          r"leverage\w*|need|needs|apply|applies)\s+"
                          r"(?:that|this|it|those)\b(?!\s+(?:role|position|person|one|title|job|exec\w*|hire|"
                          # ("the VPs in that group": people, not what was asked)
                          r"group|groups|team|teams|bunch|crowd|people|folks)\b)"
                          # ("think about that the VP doesn't": "that" opens a clause)
                          r"(?!\s+(?:the|a|an|we|they|you|he|she|our|their|my|your)\b)"
                          # ("do that too?" but not "does it come with P&L?", where "it" is the subject)
                          r"|\b(?:do|does|did)\s+(?:that|this|it|those)\b(?=\s*(?:[?.!,]|$|too\b|also\b|as well\b|"
                          r"for\b|with\b|better\b|differently\b|well\b))",
                          re.IGNORECASE)
_ELSE = re.compile(r"\b(?:what|anything|who|which)\s+else\b", re.IGNORECASE)
# "does the CSO use that kind of thing?", "does the CSO do anything similar?": what was just asked about
_LIKE_THAT = re.compile(r"\b(?:(?:that|this|those|these)\s+(?:kinds?|sorts?|types?)\s+of\s+\w+|"
                        r"(?:anything|something)\s+(?:similar|like\s+(?:that|this))|similar|the\s+same|"
                        r"(?:stuff|things?)\s+like\s+(?:that|this)|that\s+stuff|likewise)\b", re.IGNORECASE)
_BOTH_EACH = re.compile(r"\b(?:both|the two|each)\b", re.IGNORECASE)
_DIFFER = re.compile(r"\b(?:differ\w*|compar\w*|vs\.?|versus|than)\b", re.IGNORECASE)
# "why that order?", "what's that tied to?": a thing the previous question asked about, not a role
# (nouns that make "that" a role: "that role", "this exec")
_ROLE_NOUNS = r"role|position|person|one|title|job|exec\w*|hire|guy|gal"
_THING = re.compile(r"\b(?:that|this|it)\b(?!\s+(?:" + _ROLE_NOUNS + r")\b)", re.IGNORECASE)
# the same, with "theirs", "those" and the roles' own words: "does that cause any problems?", "how do they slice
# theirs?" ("that role", "this person", "that VP" are roles)
_THING_POINTED = re.compile(r"\b(?:that|this|it|theirs|those|these)\b(?!\s+(?:" + _ROLE_NOUNS
                            + r"|leader|vp|cro|cso|chief|head)s?\b)", re.IGNORECASE)
# (either way round: "what's the top end of that?")
_PAY_CARRY = re.compile(r"\b(?:that|this|it)\b.*\b(?:compar\w*|than|top|max\w*|more|less|higher|lower)\b|"
                        r"\b(?:top|max\w*|high\w*|low\w*|bottom)\b.*\b(?:of|for|on)\s+(?:that|this|it)\b",
                        re.IGNORECASE)
# an answer quoted from a table row: "<row label>: <role>: <cell>" ("Company stage: CSO: Ideal for ...")
_ROW_ANSWER = re.compile(r"^([A-Z][\w .&/'-]{1,40}?):\s+([^:;.]{2,60}?):\s")
# "to get there", "on the way there": where the previous question was headed ("grow into <destination>")
_THERE = re.compile(r"\b(?:get|getting|gets|make it|reach|reaching|go|going|way|climb\w*|move|moving|path|route)\s+"
                    r"(?:\w+\s+)?there\b", re.IGNORECASE)
_FROM_THERE = re.compile(r"\bfrom\s+there\b", re.IGNORECASE)
_DESTINATION = re.compile(r"\b(?:into|become|becoming|to be|reach|reaching|land|landing|make it to|get to)\s+"
                          r"(?:an?\s+|the\s+)?([\w\s-]+?)\s*(?:[?.!,]|$)", re.IGNORECASE)
# words that qualify a follow-up without asking a new thing ("and specifically to be a good CSO?")
_QUALIFIERS = frozenset(tokenize("about specifically particularly particular good great best ideal strong"))
# what a follow-up that names a role says besides it, when it asks nothing new ("anything specific if I'm
# aiming for the CSO seat?"): the previous question, of that role
_NOTHING_ASKED = _QUALIFIERS | frozenset(tokenize(
    "anything something specific different aim aiming target targeting shooting going gunning want wanting seat "
    "chair spot job role position title"))
# "besides salary", "other than the base": the rest of the pay
_BESIDES_PAY = re.compile(r"\b(?:besides|apart from|aside from|other than|on top of|beyond)\s+(?:the\s+)?(?:base\b|"
                          r"salary|pay\b|comp\b|compensation)", re.IGNORECASE)
# "and if we don't have one?", "what if it's a startup?": a case only, no question of its own after it
_CONDITION_ONLY = re.compile(r"^\s*(?:(?:and|but|so|ok(?:ay)?|then)[\s,]+)?(?:what\s+)?if\s+([^,?]+?)\s*\??\s*$",
                             re.IGNORECASE)
# "and where does X ...", "so how does X ...": a follow-up asking where or how a role fits
_WHERE_FITS = re.compile(r"^\W*(?:and|so|ok(?:ay)?|but|then)\W+(?:where|how(?!\s+(?:much|many|long|often|old)\b))\b",
                         re.IGNORECASE)
_VICE_VERSA = re.compile(r"\b(?:vice[\s-]+versa|the\s+other\s+way\s+a?round|the\s+reverse)\b", re.IGNORECASE)
_WHO_DOES_REPORT = re.compile(r"^\W*who\s+(?:does|do)\s+(.+?)\s+report\s+to\W*$", re.IGNORECASE)
_ASKS_BOSS = re.compile(r"\b(?:boss|bosses|manager|report(?:s|ing)?\s+(?:up\s+)?to|answers?\s+to|above)\b",
                        re.IGNORECASE)
# "pull data from them", "work with those folks": a party pointed at after a preposition
_OBJECT_PRONOUN = re.compile(r"\b(?:from|with|to|for)\s+(them|those\s+(?:folks|people|guys|roles|leaders|execs)|"
                             r"these\s+(?:folks|people|guys|roles|leaders|execs))\b", re.IGNORECASE)
_WHO_REPORTS = re.compile(r"^\W*who\s+reports?\s+(?:directly\s+)?to\s+(.+?)\W*$", re.IGNORECASE)
# "what does that acronym stand for?": an abbreviation the last answer used
_THAT_ACRONYM = re.compile(r"\b(?:that|this|the)\s+(?:acronym|abbreviation|abbrev)\b", re.IGNORECASE)
# "in that setup", "in such a case", "with that kind of structure": the case the previous question set
_THAT_SETUP = re.compile(r",?\s*\b(?:in|for|with|under)\s+(?:that|this|such\s+an?)\s+"
                         r"(?:kind\s+of\s+|sort\s+of\s+|type\s+of\s+)?"
                         # (not "in this company": the asker's own, not the case asked before)
                         r"(?:setup|set-up|set\s+up|case|scenario|situation|structure|arrangement|model|"
                         r"configuration)\b,?", re.IGNORECASE)
# a yes/no question that sets a case ("can a company have both a CRO and a CSO?"): its words after the verb
_YES_NO_CASE = re.compile(r"^\W*(?:can|could|should|would|will|does|do|is|are)\s+(?P<case>[^?]+?)\W*$", re.IGNORECASE)


def _reversed(previous: str) -> str:
    """The relation of `previous` the other way round: its two roles swapped ("does the CSO report to the CRO?"),
    or a reporting line asked from the other end ("who does the CSO report to?" -> "Who reports to the CSO?")."""
    spans = role_spans(previous)
    if len(spans) == 2 and spans[0][2] != spans[1][2]:
        (s1, e1, _), (s2, e2, _) = spans
        return f"{previous[:s1]}{previous[s2:e2]}{previous[e1:s2]}{previous[s1:e1]}{previous[e2:]}"
    m = _WHO_DOES_REPORT.match(previous)
    if m and len(spans) == 1:
        return f"Who reports to {m.group(1)}?"
    m = _WHO_REPORTS.match(previous)
    if m and len(spans) == 1:
        return f"Who does {m.group(1)} report to?"
    return ""


# "and with marketing?", "what about with the sales team?": another party of the relation asked before
_OTHER_PARTY = re.compile(r"^\W*(?:(?:and|ok|okay|so|what about|how about)\W+)*(with|to|from)\s+"
                          r"([^?.!,]{2,40}?)\s*[?.!]*\s*$", re.IGNORECASE)
_PREP_ROLE = re.compile(r"\b(with|to|from|for|than|under|over|and)\s+(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)


def short_name(key: str) -> str:
    """How a role reads in a rewritten question or an answer ("the CRO", "Chief Customer Officer (CCO)")."""
    role = ROLES_BY_KEY[key]
    return role.short or role.name


def _is_fragment(question: str) -> bool:
    """ "And the CRO?", "what about their pay?": short, or opened by a connective and still short."""
    words = re.findall(r"[A-Za-z']+", _OTHER.sub(" ", question))  # ("the other one, the revenue officer")
    return len(words) <= 4 or (bool(_FOLLOWUP_START.match(question)) and len(words) <= 7)


def _substitute(previous: str, new_roles: list[str], question: str) -> str:
    """Put `new_roles` in place of the matching role mentions of `previous`."""
    spans = role_spans(previous)
    if not spans:
        return f"{previous.rstrip('?. ')} for {short_name(new_roles[0])}?"
    # a role stands in for one of its kind: "does the CRO deal with the CFO?" then "what about the CEO?" asks
    # about the CRO and the CEO; "... the CSO?" asks about the CSO and the CFO
    core = new_roles[0] in CORE_ROLES
    target = next((i for i, span in enumerate(spans) if (span[2] in CORE_ROLES) == core), 0)
    prep = re.search(r"\b(with|to|from|for|than|under|over)\s+(?:the\s+|a\s+|an\s+)?\S*\s*\??$", question.strip(),
                     re.IGNORECASE)
    if prep:  # "And with the CEO?" replaces the role after "with" in the previous question
        after = _after_preposition(previous, prep.group(1))
        if after:
            target = spans.index(after[0][0])
        elif prep.group(1).lower() == "with" and new_roles[0] not in CORE_ROLES and (
                spans[0][2] in CORE_ROLES):
            # ("which exec does the CRO work with on budget?" has no role after "with": what the CRO does with
            # the CEO is asked; "and with a CSO?" after "the challenges with hiring a CRO" swaps the core role)
            return f"What does {short_name(spans[0][2])} do with {short_name(new_roles[0])}?"
    start, end, _ = spans[target]
    replacement = ROLES_BY_KEY[new_roles[0]].name if previous[start:end][:1].isupper() else short_name(new_roles[0])
    # keep the article before the mention ("the CRO" -> "the CEO") by replacing only the role words
    replacement = re.sub(r"^the\s+", "", short_name(new_roles[0])) if previous[start:end].isupper() else replacement
    if re.search(r"\b(?:the|a|an|our|their|your)\s+$", previous[:start], re.IGNORECASE):
        # "the chief exec" -> "the CEO", not "the the CEO"
        replacement = re.sub(r"^the\s+", "", replacement)
    return previous[:start] + replacement + previous[end:]


def _after_preposition(previous: str, prep: str) -> list[tuple[tuple[int, int, str], re.Match[str]]]:
    """The role mentions of `previous` right after the preposition `prep` ("with the CFO"), each with the
    preposition's match, in order."""
    found = []
    for span in role_spans(previous):
        m = _PREP_ROLE.search(previous[: span[0]])
        if m and m.group(1).lower() == prep.lower():
            found.append((span, m))
    return found


def _name_pronoun(question: str, role: str) -> str:
    """`question` with its first role pronoun replaced by `role` ("their pay" -> "the CRO's pay")."""
    def repl(m: re.Match[str]) -> str:
        if m.group(0).lower() == "one" and re.search(r"\b(?:an?|the)\s+(?:\w+\s+)?\w+\s$", question[:m.start()]):
            return re.sub(r"^the\s+", "", role)  # "a really good one": "a really good VP of Sales"
        return f"{role}'s" if m.group(0).lower() in {"their", "theirs", "his", "her", "hers"} else role
    first = _PRONOUN.search(question)
    if not first:
        return question
    named = repl(first)
    rest = question[first.end():]
    if first.group(0).lower() == "one":
        # "if we hire one, what should we give them?": "them" is that one too, the object of what is asked
        the_role = role if role.startswith("the ") else f"the {role}"
        rest = re.sub(r"\b(?:them|him)\b", lambda _: the_role, rest, count=1, flags=re.IGNORECASE)
    return question[:first.start()] + named + rest


def rewrite(question: str, history: Sequence[Turn], known: Callable[[str], bool] | None = None,
            partner: Callable[[str], str] | None = None) -> str:
    """The standalone form of `question`, given the earlier turns of the conversation."""
    acronym = _THAT_ACRONYM.search(question) if history else None
    if acronym:
        # "what does that acronym stand for?": the first one the last answer used that the question before did not
        asked_before = set(re.findall(r"\b[A-Z]{2,5}\b", _last_standalone(history, known, partner)))
        used = [a for a in re.findall(r"\b[A-Z]{2,5}\b", last_answer(history)) if a not in asked_before]
        if used:  # (a question of its own, naming what it asks about)
            return f"{question[:acronym.start()]}{used[0]}{question[acronym.end():]}"
    setup = _THAT_SETUP.search(question) if history else None
    if setup:
        rest = f"{question[:setup.start()]} {question[setup.end():]}"
        case = _previous_case(_last_standalone(history, known, partner))
        if case and len(re.findall(r"[A-Za-z]+", rest)) > 2:
            # "ok so in that setup who's the CSO's boss?" after "can a company have both a CRO and a CSO?": the
            # question, asked in the case the previous one set
            return f"{rewrite(rest, history, known, partner).rstrip(' ?.')}, {case}?"
    question = _INTERJECTION.sub("", focus(question, known))
    lead = _REACTION.match(question)
    if (lead and not find_roles(lead.group(1)) and not _QUESTION_WORD.search(lead.group(1))
            and not _SETS_CASE.match(lead.group(1))):
        question = question[lead.end(1):]  # "cool cool and the CRO?", "makes sense what about the CSO?"
    previous = _last_standalone(history, known, partner)
    if not previous:
        return question
    if asks_for_more(question):  # "any others?": the last question, answered past what was said
        return previous
    new_case = _NEW_CASE.match(question)
    need = _NEW_NEED.match(question)
    offered_roles = _core_roles(previous) if new_case or need else []
    if (new_case or need) and not find_roles(question) and len(offered_roles) > 1 and choice_between_roles(previous):
        # "and for a mid-sized company that's still growing?" after "We're a large enterprise - CSO or VP of
        # Sales?", "and for long-term growth?" after "which is better for fast wins, a CRO or a CSO?": the same
        # choice, in the new case
        word, case = (("for", new_case.group("case")) if new_case
                      else (need.group("word").lower(), need.group("case")))  # type: ignore[union-attr]
        return f"{' or '.join(short_name(r) for r in offered_roles)}, {word} {case}?"
    if (need and not find_roles(question) and not _core_roles(previous) and not _PRONOUN.search(question)
            and analyze(previous).answer_type == "role"):
        # "and for sustainable long-term growth?" after "which role is better if we need fast sales growth?": the
        # same choice, in the new case instead of the old one
        return _in_case(previous, need.group("word"), need.group("case"))
    changes = _CHANGES_IF.match(question)
    if changes and not _PRONOUN.search(changes.group("case")) and _core_roles(previous):
        # "does that change if we also hire a CRO?" after "who does the CSO report to?": the same question, in
        # the new case ("who does the CSO report to, if we also hire a CRO?")
        return _in_case(previous, changes.group("word"), changes.group("case"))
    destination = _DESTINATION.search(previous) if _FROM_THERE.search(question) else None
    if destination:
        # "what skills do you need to make the jump to exec level from there?" after "how do people get into
        # sales management?": from where the previous question was headed
        return _FROM_THERE.sub(f"from {destination.group(1).strip()}", question, count=1)
    standalone = _rewrite(question, history, previous, partner)
    asked_case = _CONDITION_ONLY.match(question)
    # (the case with its pronoun resolved: "if we don't have the CRO"; a role it names stays as named)
    condition = asked_case and (_CONDITION_ONLY.match(standalone)
                                or (None if _PRONOUN.search(question) else asked_case))
    if condition:
        # "and if we don't have one?" after "what should a company do to support a CRO's cross-functional
        # work?": the same question, asked in that case
        return f"{previous.rstrip(' ?.')}, if {condition.group(1)}?"
    before, now = analyze(previous), analyze(standalone)
    if before.answer_type == "amount" and now.answer_type not in ("amount", "duration") and (
            _PAY_CARRY.search(question) or (_is_fragment(question) and not _OWN_QUESTION.search(question))
            or (_THING.search(question) and len(now.aspect) <= 1 and not find_roles(question))
            # ("is that mostly performance-based?": the pay just given is what is asked about)
            or (_THAT_SUBJECT.match(question) and not find_roles(question))
            or _BESIDES_PAY.search(question)):
        # "and with incentives on top?", "how does that top end compare for a CRO?" after a pay
        # question still ask for pay (and so does "what's included besides salary?"), of the same role
        owners = [r for r in find_roles(previous) if r in CORE_ROLES] if not find_roles(standalone) else []
        whose = "".join(f" ({short_name(r)})" for r in owners[:1])
        return f"{standalone.rstrip()}{whose} (pay)"
    if (now.answer_type == "amount" and "salary" in before.aspect and not find_roles(question)
            and not find_roles(standalone) and len(owners := _core_roles(previous)) == 1):
        # "how high can the total go?" after "what's included in CSO comp besides base?": the same role's pay
        return f"{standalone.rstrip()} ({short_name(owners[0])})"
    said = _first_said(last_answer(history)) if _DO_THAT.search(question) and find_roles(question) else ""
    if said:
        # "does the VP of Sales do that too?" after "Customer Relationships: They maintain contact with top
        # customers ...": that is what the answer said the role does, in its words
        topic = " ".join(before.aspect_words)
        return f"{standalone.rstrip()} ({topic}) ({said})" if topic else f"{standalone.rstrip()} ({said})"
    if _ELIDED.search(question) and find_roles(question):
        # "how does the CRO's compare?" after the CSO's pay package: the CRO's pay package
        carried = "pay" if "salary" in before.aspect else " ".join(before.aspect_words)
        if carried:
            return f"{standalone.rstrip()} ({carried})"
    # (the row may be any part of the answer: "... structure and size. [1] Company stage: VP of Sales: ...")
    # (a row after the first part only when it is about what was asked: "Primary focus" quoted fourth for "does the
    # CSO deal with customers directly?" is not what "what about the VP of sales?" asks)
    asked_words = set(tokenize(previous))
    row = next((m for i, part in enumerate(re.split(r"(?<=\])\s+", last_answer(history)))
                if (m := _ROW_ANSWER.match(part)) and (i == 0 or set(tokenize(m.group(1))) & asked_words)), None)
    # (a row names its column's role after its label; "Key responsibilities of a CRO include: Revenue Strategy
    # Development: ..." is a list under its lead-in)
    if (row and _is_fragment(question) and find_roles(row.group(2)) and not find_roles(row.group(1))
            and set(find_roles(question)) - set(find_roles(row.group(2)))):
        # "and a VP of Sales?" after "Company stage: CSO: Ideal for large ...": the same row's other cell
        return f"{standalone.rstrip()} ({row.group(1)})"
    if _THERE.search(question) and not find_roles(question) and not find_roles(previous):
        # "what are the steps to get there?" after "... grow into executive sales leadership?": the place
        # the previous question was headed
        destination = _DESTINATION.search(previous)
        if destination:
            return f"{standalone.rstrip()} ({destination.group(1).strip()})"
    if (known is not None and _WHERE_FITS.match(question) and find_roles(question) and now.aspect_words
            and before.aspect_words and not any(known(w) for w in now.aspect_words)):
        # "and where does the VP of Sales slot in?" after "who reports to who?": the earlier question, of a new
        # role, in words no article uses (a thing it gets, "and does the CSO get a company car?", is no place)
        return f"{standalone.rstrip()} ({' '.join(before.aspect_words)})"
    # "does the CRO do anything similar?": what was asked, of another role
    if _LIKE_THAT.search(question) or (
            _ANAPHOR.search(question) and (not now.aspect or _THAT_OBJECT.search(question) or _WHICH_OF.search(question)
                                           or (len(now.aspect) <= 1 and _THING.search(question)
                                               and (not find_roles(question) or _DIFFER.search(question)))
                                           # "what else is on their scorecard?" asks for more of what was asked
                                           # (after "which role owns X?", "what else are they responsible
                                           # for?" asks the role's other responsibilities, not more of X)
                                           or (len(now.aspect) <= 1 and _ELSE.search(question)
                                               and before.answer_type != "role")
                                           # "why set it up that way?": the reason for what was just asked about
                                           or (now.answer_type == "reason" and _THING.search(question)
                                               and not find_roles(question)))):
        # "and how does that compare for a CRO?" after "What does a CSO earn?": "that" is the pay
        asked = analyze(previous).aspect_words
        if asked:
            return f"{standalone.rstrip()} ({' '.join(asked)})"
    return standalone


def _previous_case(previous: str) -> str:
    """The case a previous question set, as a clause: its own ("..., if we're a startup?"), else the one a yes/no
    question about roles asks, in its words after the verb ("can a company have both a CRO and a CSO?": "when a
    company have both a CRO and a CSO", for the encoder and the words, not for reading)."""
    clause = _CASE_CLAUSE.search(previous)
    if clause:
        return clause.group(0).strip(" ,?")
    yes_no = _YES_NO_CASE.match(previous)
    return f"when {yes_no.group('case')}" if yes_no and find_roles(previous) else ""


def _in_case(previous: str, word: str, case: str) -> str:
    """`previous` asked again in another case: its own case clause ("if ...", "for ...") replaced by `case`."""
    return f"{_CASE_CLAUSE.sub('', previous).rstrip(' ?.,')}, {word.lower()} {case}?"


def _object_party(question: str, history: Sequence[Turn], previous: str) -> str:
    """`question` with "them" / "those folks" after "from", "with", "to" named, when its subject is the role asked
    about before and the object the others that question (or its answer) named: "what data do they pull from those
    folks?" after "who does the CRO coach?" ("Coaching and supporting the VP of Sales, ...") pulls it from the VP of
    Sales. "" when it has no such object."""
    m = _OBJECT_PRONOUN.search(question)
    asked = [r for r in find_roles(previous) if r in CORE_ROLES][:1]
    if not m or not asked or find_roles(question[m.start():]):
        # (the subject is the role asked about: a pronoun before the object, or that role named)
        return ""
    subject = question[:m.start()]
    if not (_PRONOUN.search(subject) or re.search(r"\bit\b", subject, re.IGNORECASE)) and asked[0] not in find_roles(
            subject):
        return ""
    others = [r for r in find_roles(previous) if r not in asked] or [
        r for r in find_roles(last_answer(history).split("[2]")[0]) if r not in asked]
    if not others:
        return ""
    named = f"{question[:m.start(1)]}{short_name(others[0])}{question[m.end(1):]}"
    # the subject is the role asked about: "they" (even after "who gets coached by the CRO?", whose answer names
    # the others), and "it" ("what data is it supposed to pull from them?")
    if _PRONOUN.search(subject):
        return _name_pronoun(named[:m.start()], short_name(asked[0])) + named[m.start():]
    if asked[0] not in find_roles(subject):
        return re.sub(r"\bit\b", short_name(asked[0]), named[:m.start()], count=1, flags=re.IGNORECASE) + (
            named[m.start():])
    return named


def _rewrite(question: str, history: Sequence[Turn], previous: str,
             partner: Callable[[str], str] | None = None) -> str:
    question = _object_party(question, history, previous) or question
    prev_roles = find_roles(previous)
    answered = _last_answer_roles(history, prev_roles)
    # (a role the previous question only carried, "which of these matters most? (the VP of Sales)", stays)
    carried_only = len(prev_roles) == 1 and not find_roles(re.sub(r"\([^()]*\)", "", previous))
    # (an answer that named several roles to a question that named none, "from sales rep to the C-suite?",
    # gives no referent to "that jump", only to a pronoun: "what do they earn?")
    # (a who/which question's answer names the chosen role first: "Companies typically hire a VP of Sales
    # first, and as they scale, introduce a CSO")
    vague = not prev_roles and len(answered) > 1 and not _PRONOUN.search(question) and not _ASKS_WHO.search(previous)
    # ("which one fits us better? (the CSO or the VP of Sales)": the referent is the one chosen, below)
    offered = len({r for r in prev_roles if r in CORE_ROLES}) > 1 and choice_between_roles(previous)
    # ("who do the VP of Sales and the regional managers report to?" then "who does that person report to?": the
    # one the answer named, the CSO)
    pointed = bool(_THAT_PERSON.search(question)) and bool(re.match(r"\W*(?:\w+\W+){0,3}?(?:who|whom)\b", previous,
                                                                    re.IGNORECASE))
    # ("who reports to the CSO?" then "and who's their boss?": the boss of those just named is the CSO, which the
    # answer said; the question asks the CSO's)
    above = bool(_WHO_REPORTS.match(previous)) and bool(_ASKS_BOSS.search(question)) and bool(_PRONOUN.search(question))
    line = stated_line(last_answer(history)) if pointed and _ASKS_BOSS.search(previous) else None
    if line and line[0] in prev_roles:
        # "and what does that person make?" after "who's the CSO's boss?" answered "the CSO would report to the
        # CRO": the boss the answer named, though the question named it too
        answered, prev_roles = [], [line[1]]
    if answered and not carried_only and not vague and not offered and not above and (
            not set(prev_roles) & CORE_ROLES or pointed
            # ("and which departments?" after "who in the C-suite does the CSO work with?" asks the same of the CSO:
            # only a pronoun points at the roles the answer named)
            or (_ASKS_WHO.search(previous) and not _WHICH_THINGS.search(previous)
                and (_PRONOUN.search(question) or find_roles(question) or not _ELLIPTIC_WH.match(question)))):
        # "Which role owns pricing?" then "who do they report to?": the referent is the role the
        # previous answer named, not the one its question did.
        prev_roles = answered[:1]
    roles = find_roles(question)
    set_first = _TOPIC_PLURAL.match(question)
    if (set_first and _PLURAL.search(question[set_first.end():])
            and not set(find_roles(set_first.group(0))) & CORE_ROLES):
        # "and those AEs, what do they start out as?": the people set first are who "they" are
        return question
    asked_core = [r for r in prev_roles if r in CORE_ROLES]
    # ("they" after "which one ...?" is the one chosen; "how do their salaries compare?" and "both" are the pair)
    plural = _PLURAL.search(question) and (_DIFFER.search(question) or _BOTH_EACH.search(question))
    if (not roles and len(asked_core) > 1 and choice_between_roles(previous) and not plural
            and not _BOTH.search(question) and not _OTHER.search(question) and not _EITHER.search(question)
            and analyze(question).aspect):
        # "Which fits a SaaS company better, CSO or CRO?" then "what background should the hire have?":
        # the role the answer chose, the first of the two it names ("why?" asks why one over the other:
        # the pair stays)
        chosen = _chosen_role(last_answer(history), asked_core, previous)
        if chosen:
            prev_roles = [chosen]
    named_one = _NAMED_ONE.search(question) if not roles else None
    if named_one:
        # "the revenue one" after "a CSO or a CRO": the role whose title has that word
        spoken = [r for r in dict.fromkeys([*prev_roles, *_conversation_roles(history)]) if r in CORE_ROLES]
        fits = _described(named_one.group(1), spoken) if named_one.group(1).lower() in ("revenue", "sales") else []
        # ("the finance guy" after an answer that names the CFO: a role of the answer whose title has that word)
        fits = fits or _titled(named_one.group(1), find_roles(last_answer(history)))
        if fits:
            resolved = f"{question[:named_one.start()]}{short_name(fits[0])}{question[named_one.end():]}"
            # (a role the answer named beside the one asked about: still asked of that one)
            if fits[0] not in CORE_ROLES and asked_core:
                return f"{resolved.rstrip()} ({short_name(asked_core[0])})"
            return resolved
    ranked = _RANKED_ONE.search(question) if not roles else None
    if ranked:
        # "what does the one on top get measured on?" after "the CSO would report to the CRO": the CRO
        line = stated_line(last_answer(history))
        # (no line stated: "the more senior role" after "hire a VP of Sales first, ... introduce a CSO" is
        # the chief, by title)
        top = bool(ranked.group("top"))
        picked = (line[1] if top else line[0]) if line else ""
        weighed_pair = set(_core_roles(previous))
        if len(weighed_pair) == 2 and picked not in weighed_pair:
            # "the higher one" after "CRO vs VP of Sales: which is higher up?" is one of those two, even when
            # the answer's line runs from one of them to a third ("report to the CSO or CRO")
            picked = _by_title(weighed_pair, top)
        picked = picked or _by_title({r for turn in history for r in find_roles(turn.content) if r in CORE_ROLES}, top)
        if picked:
            resolved = f"{question[:ranked.start()]}{short_name(picked)}{question[ranked.end():]}"
            # ("and the one above them?" is "and the CSO?": the previous question, of the CSO)
            return _rewrite(resolved, history, previous, partner) if _is_fragment(resolved) else resolved
    degree = _DEGREE_ONE.search(question) if not roles else None
    if degree:
        # "the less strategic one" after "which is more strategic, the CSO or the VP of Sales?": the role
        # the answer gives that quality to, or the other one
        weighed = _core_roles(previous) if find_roles(previous) else _core_roles(last_answer(history))
        having = _chosen_role(last_answer(history), weighed, degree.group(2), guess=False) if len(weighed) == 2 else ""
        if having:
            more = degree.group(1).lower() in ("more", "most")
            picked = having if more else next(r for r in weighed if r != having)
            return f"{question[:degree.start()]}{short_name(picked)}{question[degree.end():]}"
    # ("could we have the other one too?" keeps both: that is a question about the pair)
    other = _OTHER.search(question) if not roles and not _ALSO.search(question) else None
    if other:
        # "when does the other one come in?": of the two roles just weighed, the one the answer did not pick
        asked_core = _core_roles(previous)
        if not asked_core:
            # ("which one do companies usually start with?" named none: the two the conversation weighs)
            spoken = [r for r in _conversation_roles(history) if r in CORE_ROLES]
            asked_core = spoken[-2:] if len(spoken) >= 2 else []
        named = [r for r in find_roles(last_answer(history)) if r in asked_core]
        if len(asked_core) == 2:
            chosen = _chosen_role(last_answer(history), asked_core, previous) or (named[0] if named else asked_core[0])
            pick = [r for r in asked_core if r != chosen]
        else:
            pick = [r for r in reversed(_conversation_roles(history)) if r in CORE_ROLES and r not in asked_core]
        if not pick:
            # "the other C-level revenue role" after the CSO's challenges: the one other core role its words fit
            pick = _described(other.group(0), [r for r in sorted(CORE_ROLES) if r not in asked_core])
        if not pick and len(asked_core) == 1:
            # "and when's the other one the better pick?" after "When should we go with a CSO?": the role the answer
            # set beside it ("..., a CRO's broader view is more effective")
            pick = [r for r in find_roles(last_answer(history)) if r in CORE_ROLES and r not in asked_core][:1]
            if not pick and partner is not None:
                # (else the role the articles set beside it most: the CSO's is the CRO)
                pick = [partner(asked_core[0])] if partner(asked_core[0]) else []
        if pick:
            return f"{question[:other.start()]}{short_name(pick[0])}{question[other.end():]}"
    ordinal = _ORDINAL.search(question) if not roles else None
    if ordinal:
        # "and who does the first of those manage?": a role the previous answer listed
        # (else the roles the question offered, in its order: "do we hire a VP of Sales or a CSO first?", else
        # those the answer weighed)
        weighed = _core_roles(last_answer(history))
        offered_roles = _core_roles(previous)
        # (or an earlier question's: "how do the CSO, CRO and VP of Sales differ?", "what does the first one
        # earn?", "and the last one?")
        earlier = next((found for turn in reversed(history) if turn.role == "user"
                        and len(found := _core_roles(turn.content)) > 1),
                       [])
        listed = (_last_answer_roles(history, find_roles(previous))
                  or (offered_roles if len(offered_roles) > 1 else []) or (weighed if len(weighed) > 1 else [])
                  or earlier or weighed or find_roles(previous))
        place = {"first": 0, "former": 0, "second": 1, "latter": 1, "last": -1}[ordinal.group(1).lower()]
        if len(listed) > 1 and _PAIR_RELATION.search(question):
            # "once we add the second one, who reports to who?": how the two stand to each other
            pair = " and ".join(short_name(r) for r in listed[:2])
            return f"{question[:ordinal.start()]}both ({pair}){question[ordinal.end():]}"
        if len(listed) > max(place, -place - 1):
            resolved = f"{question[:ordinal.start()]}{short_name(listed[place])}{question[ordinal.end():]}"
            # ("and the last one?" is "and the VP of Sales?": the previous question, of that role)
            return _rewrite(resolved, history, previous, partner) if _is_fragment(resolved) else resolved
    if not roles and _BOTH.search(question):
        # "those two", "if we hire both": two roles the last answer named, else the role just asked
        # about and the one asked before it
        pair_roles: list[str] = []
        named = _core_roles(last_answer(history))
        asked_before = find_roles(previous)
        others = [r for r in named if r not in asked_before]
        if len(set(asked_before) & CORE_ROLES) < 2 and len(others) >= 2:
            pair_roles = others[:2]
        elif len(set(prev_roles) & CORE_ROLES) == 1:
            earlier = [r for r in _conversation_roles(history) if r in CORE_ROLES and r not in prev_roles]
            # (else the party the answer paired it with: "the two of them" after "Working with the CFO to ensure
            # that the budget ... on target" to "which exec does the CRO work with on the budget?")
            # (named where the answer opens, before its first marker: what it says after that only goes on)
            partner_roles = [r for r in find_roles(last_answer(history).split("[1]")[0]) if r not in prev_roles]
            pair_roles = ([prev_roles[0], earlier[-1]] if earlier
                          else [prev_roles[0], partner_roles[0]] if len(set(partner_roles)) == 1 else [])
        elif _ONE_THE_OTHER.search(question):
            # "so does one replace the other?": the two roles just asked about
            pair_roles = [r for r in dict.fromkeys(asked_before) if r in CORE_ROLES][:2]
        if len(pair_roles) == 2:
            pair = " and ".join(short_name(r) for r in pair_roles)
            return _BOTH.sub(lambda m: f"{m.group(0)} ({pair})", question, count=1)
    # ("does the CRO do something similar?" asks whether it does: what the last answer said, below)
    if (roles and _SAME_FOR.search(question) and find_roles(previous) and not set(roles) & set(find_roles(previous))
            and not _DO_ALIKE.search(question)):
        # "is that true for the CRO too?", "does the same go for a VP of Sales?": the previous question, of them
        return _substitute(previous, roles, question)
    if (roles and not _is_fragment(question) and set(analyze(question).aspect) <= _NOTHING_ASKED
            and find_roles(previous) != roles and not _DO_ALIKE.search(question)
            and not (_ANAPHOR.search(question) or _COMPARED.search(question)
                                                       or _PRONOUN.search(question) or _OWN_QUESTION.search(question))):
        # "anything specific if I'm aiming for the CSO seat?": a role, and nothing asked of it but what was
        return _substitute(previous, roles, question)
    # ("and whats their relationship with the CEO?": the CEO is the other party, "their" the role before, below)
    pointed_party = bool(roles) and not set(roles) & CORE_ROLES and bool(prev_roles) and bool(_PRONOUN.search(question))
    if roles and _is_fragment(question) and not pointed_party:
        # ("what about the other one, the revenue officer?" names its role twice: nothing new is asked)
        if set(analyze(_OTHER.sub("", question)).aspect) - set(analyze(previous).aspect) - _QUALIFIERS:
            # "and the challenges with a CSO?" after the CRO's benefits asks a new thing about the new role
            topic = re.sub(_FOLLOWUP_START, "", question).strip(" ?.")
            # ("ok so who's the CSO's boss?": every connective before the question)
            topic = re.sub(r"^(?:(?:and|also|but|so|then|ok(?:ay)?|well)\b[\s,]*)+", "", topic, flags=re.IGNORECASE)
            if _OWN_QUESTION.match(topic) or _YESNO_START.match(topic):
                # ("so does the CRO coach the VP?": a yes/no question of its own)
                return f"{topic}?"
            return f"What about {topic}?"
        others = [r for r in find_roles(previous) if r not in roles]
        if others and _COMPARED.search(question):
            # "and compared to a CSO?" after the CRO's pay sets the two side by side
            return f"{previous.rstrip(' ?.')} compared to {short_name(roles[0])}?"
        if not others and _OWN_QUESTION.search(question):
            # "and who does the CSO report to?" after "who reports to the CSO?": a question of its own about the same
            # role (putting its role in the previous question would ask that again)
            return question
        return _substitute(previous, roles, question)
    choice = _CHOICE.search(question) if not roles and len(prev_roles) > 1 else None
    if choice and not (re.search(r"\bthose\b", choice.group(0)) and analyze(previous).aspect):
        # "Which one should we hire first?" after comparing two roles
        # ("which of those ...?" is of the roles only after a question that asked nothing else of them: after "what
        # do the CSO and the CRO track?" it is of the metrics)
        options = " or ".join(short_name(r) for r in prev_roles)
        return _CHOICE.sub(lambda m: f"{m.group(0)} ({options})", question, count=1)
    if roles and not set(roles) & CORE_ROLES and prev_roles and _PRONOUN.search(question):
        # "does that person report to the CEO?": the CEO is the object; the pronoun is the role before
        return _name_pronoun(question, short_name(prev_roles[0]))
    if (roles and not set(roles) & CORE_ROLES and set(prev_roles) & CORE_ROLES and _FOLLOWUP_START.match(question)
            and all(re.search(r"\b(?:with|to|from)\s+(?:the\s+|a\s+|an\s+|our\s+)?$", question[:start], re.IGNORECASE)
                    for start, _, _ in role_spans(question))):
        # "and what's the goal-setting part of the job with the CEO?" after the CRO's work outside the company:
        # the CEO is the other party, the CRO still the one asked about
        return f"{question.rstrip()} ({short_name(next(r for r in prev_roles if r in CORE_ROLES))})"
    if roles and not set(roles) & CORE_ROLES and set(prev_roles) & CORE_ROLES and _WHICH_OF.search(question):
        # "which of those involve the CFO?" after the CRO's day-to-day: those are still the CRO's
        return f"{question.rstrip()} ({short_name(next(r for r in prev_roles if r in CORE_ROLES))})"
    it = _IT_ROLE.match(question)
    if roles and prev_roles and prev_roles[0] in CORE_ROLES and prev_roles[0] not in roles and it:
        # "is it the same thing as a CSO?" after "what's a CRO?": "it" is the role asked about
        return f"{question[:it.start(1)]}{short_name(prev_roles[0])}{question[it.end(1):]}"
    pronoun = _PRONOUN.search(question)
    if roles and prev_roles and prev_roles[0] not in roles and pronoun and pronoun.start() < role_spans(question)[0][0]:
        # "when should we hire one instead of a CSO?" after "what's a CRO?": the CSO is the alternative,
        # the pronoun the role before ("and a CSO, what do they study?" names its role before the pronoun)
        return _name_pronoun(question, short_name(prev_roles[0]))
    if not roles and _VICE_VERSA.search(question):
        reversed_ = _reversed(previous)
        if reversed_:
            return reversed_
    other_party = _OTHER_PARTY.match(question) if not roles else None
    if other_party:
        # "and with marketing?" after "What does the CRO do with the CFO?": the other party, swapped
        for (_, end, key), m in _after_preposition(previous, other_party.group(1)):
            if key not in prev_roles[:1]:
                return f"{previous[:m.end(1)]} {other_party.group(2)}{previous[end:]}"
    if not roles and prev_roles:
        core = [r for r in prev_roles if r in CORE_ROLES]
        by_degree = bool(_WHO_MORE.search(question))
        if len(core) == 1 and by_degree:
            # "so who gets paid more?" after the CSO's pay, then "and for the CRO?": the two roles asked in turn
            earlier = [r for r in _conversation_roles(history) if r in CORE_ROLES and r not in core]
            core = [*core, earlier[-1]] if earlier else core
        role = " and ".join(short_name(r) for r in core) if by_degree and len(core) > 1 else short_name(prev_roles[0])
        if pronoun and pronoun.group(0).lower() == "one" and not by_degree:
            # "one" stands for a single role: the one the previous question brought in with "a" ("and if we do get
            # one?" after "we don't have a CRO - who should our CSO work with?"), else the first one it named
            introduced = [key for start, _, key in role_spans(previous)
                          if key in CORE_ROLES and re.search(r"an?\s+$", previous[:start], re.IGNORECASE)]
            role = short_name(introduced[0] if len(set(introduced)) == 1 else prev_roles[0])
        elif len(core) > 1 and _sets_side_by_side(previous) and (
                _PLURAL.search(question) or RECIPROCAL.search(question) or analyze(question).answer_type == "reason"):
            # ("why set it up that way?" after "can we have both a CRO and a CSO?" asks about the pair too)
            # "how do their salaries compare?" after a comparison keeps the pair
            role = " and ".join(short_name(r) for r in core)
        if pronoun:
            return _name_pronoun(question, role)
        if _is_fragment(question):
            topic = re.sub(_FOLLOWUP_START, "", question).strip(" ?.")
            if re.match(r"(?:(?:so|then|ok|okay|well)\s+)*(?:who|what|how|when|why|which|is|are|does|do|can|should)\b",
                        topic, re.IGNORECASE):
                # "ok, so who is above whom?": a question of its own about the same roles
                pair = " and ".join(short_name(r) for r in core) if len(core) > 1 else role
                topic = re.sub(r"^(?:(?:so|then|ok|okay|well)\s+)+", "", topic, flags=re.IGNORECASE)
                asked, before = analyze(question), analyze(previous).aspect_words
                if asked.answer_type == "reason" and not asked.aspect and before:
                    # "why?" asks why of what was just asked: "why? (the VP of Sales) (startup hire first)"
                    return f"{topic[:1].upper()}{topic[1:]}? ({pair}) ({' '.join(before)})"
                return f"{topic[:1].upper()}{topic[1:]}? ({pair})"
            return f"What about {topic} for {role}?" if topic else previous
        if _ANAPHOR.search(question) or _PLURAL.search(question):
            return f"{question.rstrip()} ({role})"
    if roles and _ANAPHOR.search(question) and not _is_fragment(question):
        # "is that more than a CRO gets?" after the CSO's pay: both sides are asked
        others = [r for r in prev_roles if r in CORE_ROLES and r not in roles]
        # ("does the VP of Sales do that too?" asks about the VP alone: "that" is the action)
        if others and re.search(r"\b(?:compare\w*|differ\w*|vs|versus|than)\b", question, re.IGNORECASE):
            return f"{question.rstrip()} (and {short_name(others[0])})"
    return question


# ("does one replace the other?" is about the pair too)
_ONE_THE_OTHER = re.compile(r"\bone(?=\s+(?:[\w'-]+\s+){0,4}?the\s+other\b)", re.IGNORECASE)
_BOTH = re.compile(r"\b(?:both(?: of them)?|(?:the|those|these) two(?: of them)?)\b|" + _ONE_THE_OTHER.pattern,
                   re.IGNORECASE)
# "whichever one we hire", "either of them": the pair just weighed, not one chosen from it
_EITHER = re.compile(r"\b(?:whichever|either)\b", re.IGNORECASE)
# "who gets paid more?", "which is more senior?": a role asked for by a degree, of the roles asked in turn
_WHO_MORE = re.compile(r"^\W*(?:(?:so|and|ok(?:ay)?|then|but)\W+)*(?:who|which)\b(?!\s+(?:else|other)\b)"
                       r".*(?<!\ba )(?<!\ban )(?<!\bthe )"  # (not "in a bigger company")
                       r"\b(?:more|less|most|least|higher|lower|bigger|smaller|better|worse)\b", re.IGNORECASE)
# "is that true for the CRO too?", "does that apply to a CSO?", "same goes for the VP?"
_SAME_FOR = re.compile(r"\b(?:is|are|would|will)\s+(?:that|this|it)\s+(?:also\s+)?(?:be\s+)?"
                       r"(?:true|the\s+case|the\s+same|so|similar)\s+(?:for|with|of)\b|"
                       r"\b(?:does|do|would|will)\s+(?:that|this|it|the\s+same)\s+"
                       r"(?:also\s+)?(?:apply|hold|go)\s+(?:to|for)\b|\bsame\s+(?:goes\s+|thing\s+|holds\s+)?for\b",
                       re.IGNORECASE)


# "does the VP of Sales do that too?": the action the last answer named
_DO_ALIKE = re.compile(r"\b(?:do|does|did|handle|handles|own|owns)\s+(?:something|anything)\s+"
                       r"(?:similar|like\s+(?:that|this))\b", re.IGNORECASE)
# (not a role pointed at: "who does that VP manage?")
_DO_THAT = re.compile(r"\b(?:do|does|did|handle|handles|own|owns)\s+(?:that|this|it|the same)\b"
                      r"(?!\s+(?:vps?|cros?|csos?|chief|head|" + _ROLE_NOUNS + r")\b)|" + _DO_ALIKE.pattern,
                      re.IGNORECASE)


def _first_said(answer: str, n: int = 8) -> str:
    """The first words of substance of an answer's first quote ("Customer Relationships: They maintain contact
    with top customers" -> "customer relationships maintain contact top customers ...")."""
    # (the reply a yes/no answer leads with is no word of what was said: "Yes. CSO: Customer Relationships: ...")
    first = re.split(r"\s*\[\d+\]", re.sub(r"^\s*(?:Yes|No)\.\s+", "", answer), maxsplit=1)[0]
    said = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", strip_roles(first))
            if w.lower() not in STOPWORDS and not find_roles(w)]
    return " ".join(w.lower() for w in said[:n])


# "how does the CRO's compare?": a role's what-was-asked, left unsaid
# (or named by what the answer was: "how's the CRO's list different?")
_ELIDED = re.compile(r"['’]s\s+(?:compare|stack|differ|look|measure|line up)\w*\b|['’]s\s*\??\s*$|"
                     r"['’]s\s+(?:list|version|equivalent|side)\b", re.IGNORECASE)
# "the revenue one", "the sales guy": a role told by a word of its title
_NAMED_ONE = re.compile(r"\bthe\s+([a-z]+)\s+"
                        r"(?:one|guy|gal|person|exec|executive|role|position|title|leader|chief|head|boss|lead)\b",
                        re.IGNORECASE)
_TITLE_WORDS = frozenset(("chief", "officer", "vice", "president", "vp", "of", "head"))
# "the less strategic one", "the more senior of the two"
_DEGREE_ONE = re.compile(r"\bthe\s+(more|less|most|least)\s+([a-z-]+)\s+(?:one|role|option|of\s+(?:the|those)\s+two)\b",
                         re.IGNORECASE)
_ALSO = re.compile(r"\b(?:too|also|as well|both|each other|to whom?)\b", re.IGNORECASE)
# ("the other C-level revenue role": a few words may describe it)
# (one of two: "other execs" are the rest of the C-suite, not the other role)
_OTHER = re.compile(r"\b(?:the\s+)?other\s+(?:[a-z-]+\s+){0,3}?(?:one|role|position|exec(?:utive)?|title|guy|person)\b",
                    re.IGNORECASE)
# what two roles are to each other: "who reports to who(m)?", "how do they work together?"
_PAIR_RELATION = re.compile(r"\bto\s+whom?\b|\beach\s+other\b|\bone\s+another\b|\btogether\b", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(?:the\s+)?(first|second|last|former|latter)"
                      r"(?:(?:\s+one)?\s+of\s+(?:those|them|these|the two)|\s+one)\b", re.IGNORECASE)


# "the one on top", "the junior one": a place in the reporting line the last answer stated
_RANKED_ONE = re.compile(r"\bthe\s+(?:(?P<top>(?:one|role|person|exec\w*|guy)\s+(?:on\s+top|at\s+the\s+top|up\s+top|"
                         r"above|higher\s+up|in\s+charge)|(?:top|senior|higher|superior|more\s+senior|bigger)\s+"
                         r"(?:one|role))|(?:one|role|person|exec\w*|guy)\s+(?:below|underneath|lower\s+down|"
                         r"at\s+the\s+bottom)|(?:junior|lower|subordinate|more\s+junior)\s+(?:one|role))\b"
                         # ("the one above them": above the role just named)
                         r"(?:\s+(?:them|him|her|it|that(?!\s+\w+\s)|this))?", re.IGNORECASE)


def _described(description: str, roles: list[str]) -> list[str]:
    """The one role of `roles` whose title fits every describing word ("C-level revenue": a chief, of revenue;
    "the revenue one"), else none."""
    fits = roles
    for word in re.findall(r"[a-z-]+", description.lower()):
        if word in ("revenue", "sales"):
            fits = [r for r in fits if word in ROLES_BY_KEY[r].name.lower()]
        elif word in ("c-level", "c-suite", "chief"):
            fits = [r for r in fits if ROLES_BY_KEY[r].name.lower().startswith("chief")]
    return fits if len(fits) == 1 else []


def _titled(word: str, roles: list[str]) -> list[str]:
    """The one role of `roles` with a word of its title that `word` names ("finance": the Chief Financial
    Officer, "ops": the Chief Operating Officer), else none."""
    low = word.lower()
    if len(low) < 3 or low in _TITLE_WORDS:
        return []
    stem = low[:5]
    fits = [r for r in dict.fromkeys(roles)
            if any(w.startswith(stem) for w in re.findall(r"[a-z]+", ROLES_BY_KEY[r].name.lower())
                   if w not in _TITLE_WORDS)]
    return fits if len(fits) == 1 else []


def _core_roles(text: str) -> list[str]:
    """The core roles `text` names, each once, in the order it first names them."""
    return [r for r in dict.fromkeys(find_roles(text)) if r in CORE_ROLES]


def last_answer(history: Sequence[Turn]) -> str:
    """The last answer of the conversation ("" when there is none, or it said the articles do not cover it)."""
    last = next((t for t in reversed(history) if t.role == "assistant"), None)
    return "" if last is None or last.content.startswith(_NOT_COVERED) else last.content


def _chosen_role(answer: str, options: list[str], question: str, guess: bool = True) -> str:
    """Of the roles a choice question offered, the one its answer chose: the role of the answer's clause
    that says most of what was asked ("VP of Sales: Suited for mid-sized ..." for "which fits a mid-sized
    company?"), else (when `guess`) the first one the answer names."""
    if re.search(r"\b(?:first|start\w*|begin\w*|initially)\b", question, re.IGNORECASE):
        # "which should we hire first?": the role the answer puts first ("hire a VP of Sales first")
        for _, end, key in role_spans(answer):
            if key in options and re.match(r"\s+first\b", answer[end:], re.IGNORECASE):
                return key
    asked = set(analyze(question).aspect)
    best, best_overlap = "", 0
    for clause in re.split(r"[.;]\s+|\s+(?:while|whereas|but)\s+", answer):
        named = [r for r in find_roles(clause) if r in options]
        overlap = len(asked & set(tokenize(clause)))
        if len(set(named)) == 1 and overlap > best_overlap:
            best, best_overlap = named[0], overlap
    if best or not guess:
        return best
    opening = answer.split("[1]")[0]
    if (len(options) > 1 and set(options) <= set(find_roles(opening))
            and re.search(r"\b(?:whether|either|both)\b", opening, re.IGNORECASE)):
        # "Whether appointing a CSO or CRO, consider these tips ...": the answer chose neither
        return ""
    return next((r for r in find_roles(answer) if r in options), "")


def _by_title(named: set[str], top: bool) -> str:
    """Of `named` roles (say, the core roles the conversation named), the one alone at the top (or the
    bottom) by title: a chief above a vice president. "" when two share that end or all share one level."""
    level = {r: _title_level(r) for r in named}
    if len(set(level.values())) < 2:
        return ""
    end = max(level.values()) if top else min(level.values())
    at_end = [r for r in named if level[r] == end]
    return at_end[0] if len(at_end) == 1 else ""


def _title_level(key: str) -> int:
    role = ROLES_BY_KEY[key]
    if re.match(r"chief\b", role.name, re.IGNORECASE):
        return 2
    return 1 if re.search(r"\b(?:vice\s+president|vp)\b", f"{role.name} {role.short}", re.IGNORECASE) else 0


def _conversation_roles(history: Sequence[Turn]) -> list[str]:
    """Roles the user asked about, in order of their last mention."""
    seen: list[str] = []
    for turn in history:
        if turn.role == "user":
            for role in find_roles(turn.content):
                if role in seen:
                    seen.remove(role)
                seen.append(role)
    return seen


def _sets_side_by_side(previous: str) -> bool:
    """Whether the previous question put its roles side by side (a comparison, a choice, "both"),
    rather than one role doing something with another ("What does the CRO do with the VPs?")."""
    spans = role_spans(previous)
    joined = any(a[2] != b[2] and re.fullmatch(r"\s*(?:,|and|&|or)\s*(?:(?:a|an|the)\s+)?", previous[a[1]:b[0]],
                                               re.IGNORECASE)
                 for a, b in zip(spans, spans[1:], strict=False))  # "a CRO and a CSO"
    return joined or analyze(previous).answer_type in ("comparison", "role") or bool(
        re.search(r"\b(?:both|vs\.?|versus|between|compared?)\b", previous, re.IGNORECASE))


def _last_answer_roles(history: Sequence[Turn], asked: list[str]) -> list[str]:
    """Core roles the last assistant answer named, other than the ones its question asked about."""
    for turn in reversed(history):
        if turn.role == "assistant":
            if turn.content.startswith(_NOT_COVERED):
                return []
            return [r for r in find_roles(turn.content) if r in CORE_ROLES and r not in asked]
        if turn.role == "user":
            break
    return []


# "any others?", "anything else?", "more?": the same question again, for what the last answer left out
_MORE_WORDS = frozenset({"else", "other", "others", "more"})
_MORE_FILLER = frozenset((
    "and", "any", "anything", "what", "whats", "what's", "is", "are", "there", "got", "some", "something", "tell", "me",
    "give", "list", "name", "ok", "okay", "so", "also", "pls", "please", "plz", "ones", "one", "thing", "things",
    "stuff", "examples", "go", "on", "keep", "going", "you", "can", "i", "we"))


def asks_for_else(question: str) -> bool:
    """Whether a follow-up asks for what else ("what else are they responsible for?"): not what was said."""
    return bool(_ELSE.search(question))


def asks_for_more(question: str) -> bool:
    """Whether a follow-up asks only for more of what was just asked ("any others?", "what else?")."""
    said = re.findall(r"[a-z']+", question.lower())
    return bool(said) and len(said) <= 6 and bool(_MORE_WORDS & set(said)) and set(said) <= _MORE_WORDS | _MORE_FILLER


_WHY_WORDS = frozenset(("why", "how", "come", "so", "that", "is", "s", "ok", "okay", "and", "but", "really", "though",
                        "tho", "exactly", "what", "for", "the", "reason", "that's", "why's"))


def asks_why(question: str) -> bool:
    """Whether a follow-up only asks why ("why?", "how come?", "why's that?"): the reason for what was just
    said, more often beside the answer that said it than in it."""
    said = re.findall(r"[a-z']+", question.lower())
    return (bool(said) and len(said) <= 4 and bool({"why", "why's", "come", "reason"} & set(said))
            and set(said) <= _WHY_WORDS)


def asks_why_of_said(question: str) -> bool:
    """Whether a follow-up asks why of what was just said, in a sentence of its own ("why does the CRO care about
    it?", "why do they do that?"): as for "why?", the reason is more often beside the quote than in it."""
    return asks_why(question) or bool(_WHY_OF_SAID.search(question))


# why, of what was just said: "why does the CRO care about it?", "why do they do that?", "why is that so important?"
_WHY_OF_SAID = re.compile(r"^\W*(?:(?:so|and|but|ok|okay)\W+)*(?:why|how\s+come)\b.*\b(?:about\s+(?:it|that|this)|"
                          r"(?:do|does|did|doing)\s+(?:it|that|this)|(?:it|that|this)\s+(?:so\s+)?(?:important|matter\w*|"
                          r"necessary|needed|key|critical))\b", re.IGNORECASE)


# what the last answer said, pointed at as a thing: "the payoff of that", "that info", "doing so"
_SAID_THING = re.compile(r"\b(?:that|this|doing\s+so|all\s+that|all\s+this)\b(?!\s+(?:" + _ROLE_NOUNS
                         + r"|two|roles|much|many|way|kind|sort)\b)", re.IGNORECASE)


# what comes of it, or what is done with it: "the payoff", "what do we get out of that", "how do they use that info"
_ONWARD = re.compile(r"\b(?:payoffs?|pay\s+off|benefits?|results?|impacts?|outcomes?|effects?|get\s+out\s+of|gains?|"
                     r"upsides?|value|do\s+with|use|uses|using)\b|\bdo\s+w/(?!o)", re.IGNORECASE)


def asks_of_said(question: str) -> bool:
    """Whether a follow-up asks something new of what the last answer said ("what's the payoff of that?",
    "how do they use that info?"), naming no role: what answers it more often comes right after the quote."""
    return (bool(_SAID_THING.search(question)) and bool(_ONWARD.search(question)) and not find_roles(question)
            and not asks_why(question) and not asks_for_more(question) and not asks_for_else(question))


def points_at_thing(question: str) -> bool:
    """Whether `question` points at a thing the conversation spoke of, not at a role ("does that cause any
    problems?", "how do they slice theirs?"; not "does that VP coach?")."""
    return bool(_THING_POINTED.search(question))


def answers_so_far(history: Sequence[Turn]) -> str:
    """The answers given to the last question and to every "any others?" asked after it."""
    said: list[str] = []
    for turn in reversed(history):
        if turn.role == "assistant":
            said.append(turn.content)
        elif not asks_for_more(turn.content):
            break
    return "\n".join(said)


def previous_topic(history: Sequence[Turn]) -> str:
    """What the last question asked about, in its own words ("usual career ladder sales rep exec team")."""
    previous = _last_standalone(history)
    return " ".join(analyze(previous).aspect_words) if previous else ""


def _last_standalone(history: Sequence[Turn], known: Callable[[str], bool] | None = None,
                     partner: Callable[[str], str] | None = None) -> str:
    """Rewrite the user turns in order, so chains of follow-ups keep their entity."""
    standalone = ""
    earlier: list[Turn] = []
    for turn in history:
        if turn.role == "user":
            standalone = rewrite(turn.content, earlier, known, partner) if earlier else focus(turn.content, known)
            earlier = [Turn("user", standalone)]
        elif earlier:
            earlier = [earlier[0], turn]  # the answer to it, for referents only an answer names
    return standalone
