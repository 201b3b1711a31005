"""Question analysis: which roles are asked about, what about them, and what kind of answer fits.

The aspect is what the question wants to know once role names and question words are set aside
("how does a VP of Sales penetrate new territories" -> "penetrate new territories"); answerability
and unit choice are judged against it, so naming a core role never makes a question answerable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from service.lexicon import (
    ABBREVIATIONS,
    ANSWERS_TO,
    CORE_ROLES,
    HOW_MUCH_PAY,
    NOT_PAY_AMOUNTS,
    STOPWORDS,
    TAKE_HOME,
    boss_question,
    english_counts,
    find_roles,
    hired_roles,
    role_spans,
    roles_after,
    strip_roles,
    tokenize,
)

ANSWER_TYPES = ("role", "list", "amount", "duration", "yesno", "reason", "comparison", "definition", "condition",
                "fact")

# Words that frame a question without saying what it is about; never part of the aspect.
_FRAME = frozenset(
    """typical usual normal common what whats who whos whom which why how when where is are was were be can could
    does do did should would will shall must may might has have had the a an of for to in on at by with and or
    vs versus between typically usually normally generally often really actually exactly basically someone
    somebody person people role roles position positions job jobs title titles exec execs executive executives
    officer officers company companies business businesses org organization organisations organization's our
    my your we i you thing things stuff like need needs know tell me explain describe give list name main key
    primary big difference differences differ different compare compared comparison same similar mean means
    meaning one ones two both either each guy guys gal person's lol pls please hey hi thanks quick question q
    kind sort type supposed gonna wanna gotta ok okay nah yeah yep rly plz thx ty hows wat wut b4 us anything
    anyone something else also just even still ever get gets got go goes going context im i'm ive i've id i'd
    tho though pretty lot lots right actual if it its possible instead rather define definition sum summary
    summarize summarise overview too doesnt dont isnt arent didnt wont cant shouldnt wouldnt couldnt hasnt havent
    wasnt werent yet already cover covers covered kinda sorta gig gigs part specifically particularly
    especially biggest ballpark now currently gist directly personally themselves himself herself
    wait hmm hmmm um umm uh oh ah btw tbh idk imo fyi honestly likely likelier unlikely tend tends""".split()  # noqa: SIM905
)
_YESNO = re.compile(r"^\s*(?:(?:and|but|so|ok|okay|also|then)\s*,?\s+)?"
                    r"(?:is|are|can|could|does|do|did|should|would|will|has|have|was|were|must|shall|isn't|"
                    r"aren't|doesn't|don't|won't|wouldn't|shouldn't)\b", re.IGNORECASE)
_WHO = re.compile(r"(?:^|[,;:]\s*)(?:(?:and|but|so|ok|okay|then)\s*,?\s+)?(?:who|whom|who's|whos)\b|"
                  r"\bwhich\s+(?:(?:other|sales|revenue|senior|c-level|c-suite|top)\s+)*"
                  r"(?:one|role|position|exec\w*|of (?:them|the two|these)|titles?|leaders?|officers?|person|people|"
                  r"folks|colleagues|peers|is)\b"
                  r"|\bwho\s+(?:should|would|does|do|is|reports)\b"
                  r"|\bwhich\s+of\s+(?:the|these|those|our|your)\s+(?:[a-z-]+\s+){0,3}?(?:roles?|positions?|execs?|"
                  r"executives?|leaders?|titles?|jobs?|officers?)\b",
                  re.IGNORECASE)
# "should we get a CSO?", "do we need a CRO yet?"
_SHOULD_WE_HIRE = re.compile(r"^\s*(?:(?:and|but|so|ok|okay|then)\s*,?\s+)?(?:should|do|would|must|shall)\s+"
                             r"(?:we|i|our\s+\w+|my\s+\w+)\s+(?:\w+\s+){0,2}?"
                             r"(?:get|hire|need|bring|add|recruit|appoint|go\s+with|pick|consider)\b", re.IGNORECASE)
# whether a role suits the asker: "a good fit", "the right call", "make sense", "worth it" (for us)
_FITS_US = re.compile(r"\b(?:(?:good|right|great|smart|best|wise)\s+(?:fit|choice|call|move|idea|option|hire|pick)|"
                      r"makes?\s+sense|worth\s+it|right\s+for|"
                      # or too much for us: "is a CSO overkill for a company our size?"
                      r"overkill|too\s+(?:early|soon|much|big)|premature)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:us|we|we're|our|ours|me|my|i)\b", re.IGNORECASE)
_EXEC = re.compile(r"\b(?:exec\w*|c-level|c-suite|leader\w*|vp)\b", re.IGNORECASE)  # a sales leader, no role named
# which of two roles ranks higher ("who's more senior, the CRO or the CSO?")
_RANKS = re.compile(r"\b(?:more senior|senior to|most senior|higher[- ](?:ranking|ranked|up)|outranks?|"
                    r"ranks? (?:higher|above)|(?:is|sits|comes) above|top dog|in charge)\b", re.IGNORECASE)
# "what leader should a growing company bring in?": with no role named, the role is the answer
_WHAT_ROLE = re.compile(r"\bwhat\s+(?:(?:kind|sort|type)\s+of\s+)?(?:sales\s+)?"
                        r"(?:role|position|exec\w*|leader|title|hire)\b", re.IGNORECASE)
_MONEY = r"\$|\bsalar|\bpa(?:y|ys|ying)\b|\bpaid\b|\bearn|\bcomp\b|\bcompensation\b"
_AMOUNT = re.compile(_MONEY + r"|\bmak(?:e|es|ing)\b(?!\s+(?:(?:more|much|any|most|less)\s+sense\b|"
                     r"(?:a|an)\b(?!\s+(?:year|month|week)\b)|the|it|sure|sense|"
                     r"that|this|those|these|them|his|her|their|your|our|"
                     r"up|out|decisions?|changes?|moves?|jumps?|calls?|progress|"
                     # what a role makes happen: "how does a CSO make sales forecasts accurate?"
                     r"sales|forecasts?|projections?|plans?|teams?|hires?|quotas?|targets?|goals?|deals?|strateg\w*|"
                     # "right before they make VP": become one
                     r"vp|vps|svp|evp|cro|cso|c-level|director|partner|chief|exec\w*|it\s+to)\b)", re.IGNORECASE)
_PAY = re.compile(_MONEY + r"|\bincome\b", re.IGNORECASE)  # pay words without "make" (which also makes sense)
# how a role brings something about: "how do CSOs make accurate projections?" ("how do CROs make money?" is pay)
_HOW_MAKE = re.compile(r"\bhow\s+(?:do|does|did|can|could|would|should|will)\s+(?:[\w'-]+\s+){1,5}?mak(?:e|es|ing)\s+"
                       r"(?!(?:money|more|less|so\s+much|that\s+much|bank|bucks|a\s+living)\b|\$|\d)\w", re.IGNORECASE)
# what is added to something: "beyond base salary", "on top of the base"
ON_TOP_OF = r"(?:beyond|besides|on\s+top\s+of|in\s+addition\s+to|apart\s+from|aside\s+from|other\s+than)"
# "what is the pay based on / how is it structured" asks about the basis, not an amount
_BASIS = re.compile(r"\b(?:tied|based|depend\w*|structur\w*|determin\w*|made up|consist\w*|calculated|set|"
                    r"incentivi[sz]ed|reward(?:s|ed)?|bonused|measured|components?|break\s?down|what else|"
                    # what comes on top of the base: "how are CSOs paid beyond base salary?"
                    + ON_TOP_OF + r"\s+(?:the\s+|their\s+|a\s+)?base)\b",
                    re.IGNORECASE)
_DURATION = re.compile(r"\bhow\s+(?:many\s+years|long|much\s+(?:more\s+)?(?:experience|time))\b|\byears?\s+of\b",
                       re.IGNORECASE)
# a question that opens with why ("so why is the CRO their boss?")
_WHY = re.compile(r"^\W*(?:(?:so|ok|okay|and|but)\W+)?(?:why|how come)\b", re.IGNORECASE)
# ("if we don't have a CRO, why push our CSO and CMO to work together?": the case first, then why)
_REASON = re.compile(r"^\s*(?:(?:so|ok|okay|and|but)\W+)?"
                     r"(?:(?:if|when|since|as|given|assuming|once|now that)\b[^?,]{0,80},\s*)?(?:why|how come)\b|"
                     r"\bwhat(?:'s| is) the (?:point|reason|benefit)\b", re.IGNORECASE)
_COMPARE = re.compile(r"\b(?:differ\w*|vs\.?|versus|compar\w*|than|between|distinguish\w*|distinction\w*|"
                      r"contrast|same|similar\w*|"
                      # "how do they split the work?": who does what, side by side
                      r"(?:split|divide|divvy|share)\s+(?:up\s+)?(?:the\s+)?(?:work|job|responsibilit\w+|duties|load)|"
                      r"who\s+does\s+what)\b", re.IGNORECASE)
# Plural nouns that ask for several things ("what are the benefits of ...").
_LIST = re.compile(r"\b(?:what\s+(?:are|r)\b|list\b|responsibilit\w*|duties|tasks|skills|benefits|advantages|upsides|"
                   r"perks|strengths|weaknesses|pros|cons|challenges|drawbacks|downsides|disadvantages|risks|metrics|kpis|tips|ways|signs|steps|"
                   r"qualities|traits|priorities|functions|areas|teams|departments|factors|things|day[- ]to[- ]day|"
                   r"what\s+(?:does|do)\b.*\b(?:do|handle|own|oversee|manage|cover)"
                   r"(?:\s+(?:all|each|every|on a|in a)\s+(?:day|week))?\s*\??$)", re.IGNORECASE)
# The shape a quantity question's answer must have ("how many direct reports" needs a number of
# reports, "what year" a year): a unit without it does not answer, however close its topic.
_COUNT = re.compile(r"\b(?:how\s+many|(?:the\s+)?(?:max(?:imum)?|min(?:imum)?|average|typical|usual)?\s*"
                    r"(?:number|#)\s+of)\s+((?:[a-z-]+\s+){0,3})", re.IGNORECASE)
# an amount in a currency the articles never use ("in pounds", "in GBP")
_CURRENCY = re.compile(r"£|€|\b(?:pounds?|gbp|euros?|eur|yen|rupees?|inr|cad|aud|francs?|chf|sterling)\b",
                       re.IGNORECASE)
# where the counted noun phrase ends ("how many direct reports | does ...", "how many hours | a week")
_COUNT_END = frozenset((  # noqa: SIM905
    "do does did is are was were should would will can could has have a an the per in on of for at to from with by"
).split())
# a share: "what percentage", "the base vs variable split (like 50/50?)", "the pay mix ratio"
_PERCENT = re.compile(r"%|\bper\s?cent(?:age)?\b|\b(?:50/50|60/40|40/60|70/30|30/70|80/20|20/80|90/10|10/90)\b|"
                      r"\bratio\b|\b(?:base|fixed)\b[^?]{0,30}\b(?:variable|bonus|commission)\b[^?]{0,15}\bsplit\b|"
                      r"\bsplit\s+(?:between|of)\s+(?:base|fixed)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:what|which)\s+year\b|\bwhen\s+(?:was|were|did)\b.*\b(?:found|creat|introduc|invent|establish|"
                   r"start|coin|first|launch)\w*", re.IGNORECASE)
# "which company first created the CRO title?": answered by a company's name
_COMPANY = re.compile(r"^\s*(?:which|what)\s+(?:company|firm|business|brand|employer|organi[sz]ation)\s+"
                      r"(?:was|were|did|first|invented|created|coined|started|introduced|pioneered|came up)\b",
                      re.IGNORECASE)
_AGE = re.compile(r"\bhow\s+old\b|\b(?:average|typical|usual|median)\s+age\b|\bage\s+of\b|"
                  r"\b(?:at|by)\s+(?:what|which|wat)\s+age\b|\bwhat\s+age\b", re.IGNORECASE)
_TENURE = re.compile(r"\btenure\b|\bhow\s+long\b.*\b(?:stay|last|keep|remain|survive)\b|"
                     r"\bhow\s+long\b.*\bbefore\s+(?:they|he|she|you|one|a|an|the)\b.*\b(?:leave|quit|move|go)\b",
                     re.IGNORECASE)
# a time of day: "what time does a CSO start work?"
_CLOCK = re.compile(r"\bwhat\s+time\b(?!\s*-?\s*(?:frame|line|period|span|scale|horizon))|\bat\s+what\s+hour\b",
                    re.IGNORECASE)
# how long something takes: a number of days, weeks, months or years
_TAKES = re.compile(r"\bhow\s+long\b.*\b(?:take|takes|til|till|until|get)\b", re.IGNORECASE)

# asking for the gist ("in a nutshell", "like I'm 5", "tl;dr"): an overview, whatever else is said
_OVERVIEW = re.compile(r"\bin a nutshell\b|\beli5\b|\blike (?:i'?m|i am) (?:5|five)\b|\btl;?dr\b|\bthe gist\b|"
                       r"\bin (?:plain|simple) (?:english|terms|words)\b|\bin lay(?:man|person)?'?s'? terms\b|"
                       r"\bsimply put\b|\bin (?:one|a single|a|1) (?:sentence|line|word)\b|\bin short\b|"
                       r"\bbread and butter\b|\bnuts and bolts\b|\bbread-and-butter\b|"
                       # "what's the deal with X?", "what's the bit with the CFO about?": tell me about X
                       r"\b(?:the|this|that)\s+(?:deal|story|bit|thing|scoop)\s+(?=with\b|about\b|on\b)",
                       re.IGNORECASE)
# "what does CRO stand for?", "CSO is short for what": the role's name is the answer, an overview opens with it
_EXPANSION = re.compile(r"\bstands?\s+for\b|\bshort\s+for\b|\b(?:acronym|abbreviation|abbrev|initials)\b|"
                        r"\bfull\s+(?:form|name|title)\b|\bspelled out\b", re.IGNORECASE)
# "a CRO and a CSO at the same time" asks about having both, not about time
_TOGETHER = re.compile(r"\bat the same time\b|\bat once\b|\bsimultaneously\b|\bside by side\b", re.IGNORECASE)
# "besides running the sales process, which functions ...": what is set aside is not what is asked
_BESIDES = re.compile(r"\b(?:besides|apart from|aside from|other than)\b[^,;?]*(?:,\s*|(?=\?)|$)", re.IGNORECASE)
# "once we hire one, how do we set them up to succeed?": the hire sets the time, what is asked comes after it
_ONCE_HIRED = re.compile(r"\b(?:once|after|now that|when|if)\s+(?:we|you|i|a company|the company)\s+"
                         r"(?:(?:do|have|finally|ever|actually)\s+)*(?:end\s+up\s+)?(?:hire[ds]?|hiring|get|got|bring\s+in|brought\s+in|appoint(?:ed)?|onboard(?:ed)?)\b"
                         r"[^,;?]{0,40}?(?:,\s*|\s+(?=(?:how|what|who|which|why|where|should|do|does|is|are)\b))",
                         re.IGNORECASE)
# keeping track of something, in the articles' words: "stay on top of", "keep tabs on", "keep an eye on"
_KEEP_TRACK = re.compile(r"\b(?:stay|stays|staying|keep|keeps|keeping)\s+(?:on\s+top\s+of|up\s+with|tabs\s+on|"
                         r"(?:an|a\s+close)\s+eye\s+on|track\s+of)\b", re.IGNORECASE)
# taking part in something: "get involved with", "have any say in", "have a hand in", "play a role in" (what
# the role takes part in is the topic; "say", "hand" and "role" are none)
_TAKES_PART = re.compile(r"\b(?:(?:get|gets|getting|be|stay|stays)\s+)?involved\s+(?:with|in|on)\b|"
                         r"\bha(?:ve|s)\s+(?:any|a|some|much|more|the\s+final)\s+(?:say|hand)\s+(?:in|on|over)\b|"
                         r"\b(?:take|takes|play|plays)\s+(?:a\s+|any\s+)?(?:part|\w+\s+role|role)\s+in\b",
                         re.IGNORECASE)
# answerable for: "on the hook for", "accountable for"
_ON_THE_HOOK = re.compile(r"\bon\s+the\s+hook\s+for\b|\baccountable\s+for\b", re.IGNORECASE)
# "what's on a VP of Sales' plate?": what the role has to do ("plate" is no topic)
_ON_PLATE = re.compile(r"(\bon\s+(?:[\w'’-]+\s+){0,5}?)plates?\b", re.IGNORECASE)
# a rate the question's amount is told in ("how much PTO do CSOs get per year?"): no topic of its own
# (by the year only: "per user per month" is how a product is priced, which a question about one asks)
_PER_PERIOD = re.compile(r"\b(?:per|a|an|each|every)\s+(?:year|yr|annum)\b|\b(?:annually|yearly)\b",
                         re.IGNORECASE)
# how a role is judged: "judged on", "graded on", "evaluated by" (the articles: "measured on", "metrics")
_JUDGED_ON = re.compile(r"\b(?:judged|graded|evaluated|assessed|scored|rated)\s+(?:on|by|against)\b", re.IGNORECASE)
_NUMBERS = re.compile(r"\bnumbers\b", re.IGNORECASE)
# the numbers a role watches are its metrics ("what numbers does a CSO keep an eye on?")
_WHICH_NUMBERS = re.compile(r"\b(?:what|which|whats|what's|key|main)\s+numbers\b", re.IGNORECASE)
_WATCHES = re.compile(r"\b(?:watch(?:es|ed|ing)?|monitor(?:s|ed|ing)?|keeps?\s+an\s+eye\s+on|look(?:s|ing)?\s+at|"
                      r"obsess(?:es|ed|ing)?\s+over|track(?:s|ed|ing)?)\b", re.IGNORECASE)
# becoming: "end up (being) siloed", "ends up as the bottleneck"
_END_UP = re.compile(r"\bend(?:s|ed|ing)?\s+up(?:\s+(?:being|as|with))?\b", re.IGNORECASE)
# what a role does well: "what's the CSO good at?", "what are CROs best at?"
_GOOD_AT = re.compile(r"\b(?:good|great|best|strong|better)\s+at\s*(?=\W*$|\s+(?:then|really|exactly|though|tho)\b)",
                      re.IGNORECASE)
# "what does a CSO do all day" asks about the day-to-day, in the articles' words (and so does a routine told by
# the week or month: "what is a VP of Sales busy with each week?", "on a weekly basis", "a CSO's typical week")
_ALL_DAY = re.compile(r"\b(?:all|each|every|(?:a|an|the)\s+(?:typical|normal|usual|average|regular)) day(?: long)?\b|"
                      r"\bday\s*(?:2|to)\s*day\b|"
                      r"\b(?:each|every|(?:in\s+)?(?:a|an|the)\s+(?:typical|normal|usual|average|regular))\s+"
                      r"(?:work\s*)?(?:week|month|quarter)\b|"
                      r"\b(?:typical|normal|usual|average|regular)\s+(?:work\s*)?(?:day|week)\b|"
                      r"\bon\s+an?\s+(?:weekly|monthly|quarterly|regular)\s+basis\b", re.IGNORECASE)
# "when should we hire a CSO?", "at what point does a CRO make sense?": answered by conditions ("... when:", "if ...")
_CONDITION = re.compile(r"^\s*(?:(?:ok|okay|so|and|but|then)\s*,?\s+){0,2}(?:when|at what point|at what stage|"
                        r"(?:in|under) (?:what|which) (?:cases?|situations?|circumstances?|scenarios?)|"
                        # "what kind of companies benefit from a CRO?": the companies a role fits
                        r"(?:what|which)\s+(?:(?:kinds?|types?|sorts?)\s+of\s+)?(?:companies|businesses|orgs|"
                        r"organi[sz]ations|firms)\b(?!\s+(?:have|has|use|pay|call)\b))\b",
                        re.IGNORECASE)
# (with a word that only insists: "what's a CRO exactly?", "what even is a CSO?")
_DEFINITION = re.compile(r"^\s*(?:(?:so|and|ok(?:ay)?|um+|hey|then|but)\W+)*"
                         r"(?:what(?:\s+(?:exactly|even|actually))?(?:'s|s| is| are)\b\s*"
                         r"(?:(?:exactly|even|actually)\s+)?(?:a|an|the)?(?:\s+(?:exactly|again|actually|really|precisely|anyway|tho|though|then))*"
                         # ("whats a CRO? define pls")
                         r"(?:[\s?.!]+define(?:\s+(?:it|this|that|pls|plz|please))*)?[\s?.!]*$|define\b|"
                         r"[\s=?.!]*(?:define|definition|meaning)(?:\s+(?:it|this|that|pls|plz|please))*[\s?.!]*$|"
                         r"what does .* mean|"
                         r"(?:explain|describe|summari[sz]e|tell me about|give me an overview of)\b)|"
                         + _OVERVIEW.pattern + "|" + _EXPANSION.pattern, re.IGNORECASE)

# what a company should do: "how do we keep costs down?", "any tips for ...?", "what should we do to ...?"
# (answered by the articles' advice: "Practical Tips", "Best Practices", "Give a CRO authority ...")
ADVICE = re.compile(r"\bhow\s+(?:do|can|should|would|could|will|to)\s+(?:we|a company|companies|our\b|"
                    r"an? (?:org|organi[sz]ation|business|team)|orgs|organi[sz]ations|businesses)|"
                    r"\bwhat\s+(?:should|can|do)\s+we\b|\bshould\s+(?:we|our)\s+(?!\w+\s+(?:report|be|have|own)\b)|"
                    r"\btips?\b|\bbest practices?\b|\badvice\b|\bhow\s+to\s+(?:set|make|get|keep|avoid|support|help)\b|"
                    # "how should their comp be set up?", "how should the sales org be structured?"
                    r"\bhow\s+should\s+(?:\S+\s+){1,7}?be\s+\w+ed\b|\bhow\s+should\s+(?:\S+\s+){1,7}?be\s+set\s+up\b",
                    re.IGNORECASE)

# "that hire", "our new hire": the person hired
_THE_HIRE = re.compile(r"\b(?:that|this|the|our|a|new)\s+hire\b(?!\s+(?:a|an|the|one|them|him|her)\b)", re.IGNORECASE)
# moving up a career in other words: "keep moving up", "step up", "make that leap", "get promoted"
_MOVE_UP = re.compile(r"\b(?:mov(?:e|es|ing)|step(?:s|ping)?|climb(?:s|ing)?|level(?:s|ing)?)\s+up\b(?!\s+to\b)|"
                      r"\b(?:make|makes|making|made)\s+(?:the|that|this|those|a|my|their|your)\s+"
                      r"(?:jump|leap|move|step|climb|transition)s?\b|\bget(?:s|ting)?\s+promoted\b(?!\s+to\b)|"
                      r"\bclimb(?:s|ing)?\s+(?:the|that|this)\s+(?:ladder|rungs?)\b", re.IGNORECASE)
# a title's earlier names: "what was it called before?", "used to be called", "its old title"
_FORMER_NAME = re.compile(r"\b(?:call(?:ed)?|named|titled|known (?:as|by)|go(?:es)? by|went by)\b[^?.]*\b"
                          r"(?:before|previously|formerly|originally|"
                          r"in the past)\b|\bused? to (?:be (?:called|named|known)|go by|call)\b|"
                          r"\b(?:old|older|old-school|former|previous|original|earlier|legacy|prior)[\s-]+(?:job\s+)?"
                          r"(?:name|title)s?\b|\bbefore\s+(?:that|the|this|its|their)\s+(?:name|title)\b",
                          re.IGNORECASE)
_FORMER_WORDS = frozenset(tokenize("call called named titled known before previously formerly originally past used old "
                                   "former previous original earlier name names title titles older school legacy prior "
                                   "caught job ppl people folks"))
# "what does a VP of Sales do?", "what do CROs actually do all day?"
_WHAT_DOES_DO = re.compile(r"\bwhat\s+(?:does|do|did|would|will|should)\b.*\bdo\b|"
                           # "what's the CRO's main job?", "their core function": what the role does
                           r"\b(?:main|primary|core|actual|real|basic|day)\s+(?:job|function|purpose|gig|duties)\b",
                           re.IGNORECASE)
# "how do we decide between a CSO and a CRO?"
_DECIDE = re.compile(r"\b(?:decid\w*|choos\w*|chose|pick\w*)\s+(?:between|among)\b", re.IGNORECASE)
# a place in a sequence of steps: "what's the step right before VP?", "and what comes after that?",
# "what's the next rung up from sales manager?"
SEQUENCE = re.compile(r"\b(?:right\s+)?(?:before|after|prior to|precedes?|follows?)\b.*\b(?:step|rung|stage|role|job|"
                      r"position|level|title|comes?|ladder|path)\b|\b(?:step|rung|stage|role|job|position|level|title|"
                      r"comes?)\b.*\b(?:before|after|prior to|next|above|below)\b|\bnext\s+(?:step|rung|level|role|"
                      r"job|move)\b|\b(?:steps?|path)\s+(?:up\s+)?to\b|\bladder\b|\brungs?\b", re.IGNORECASE)
# what one needs for a step is no place in the sequence ("what skills do I need to make that jump?")
_FOR_THE_STEP = re.compile(r"\b(?:skills?|experience|qualit\w+|traits?|background|degree|education)\b", re.IGNORECASE)
# "which of the sales leadership roles ...?", "what kind of exec ...?": the class of role the answer names,
# which says nothing of what is asked
_ROLE_CLASS = re.compile(r"\b(?:which|what)\s+(?:(?:kind|sort|type)\s+of\s+)?(?:of\s+(?:the|these|those|our|your)\s+)?"
                         r"(?:(?!(?:is|are|was|were|does|do|did|should|would|could|can|will|has|have|the|a|an)\b)"
                         r"[a-z-]+\s+){0,3}?(?:roles|positions|execs|executives|leaders|titles|jobs|officers|ones|"
                         r"role|position|exec|executive|leader|title|job|officer|one)\b", re.IGNORECASE)
# "the head sales exec (CSO)": the words before a role in brackets describe that role
_GLOSS = re.compile(r"\b(?:the|a|an|our|their|your|my|this|that)\s+((?:[a-z][\w'-]*\s+){1,4}?)(?=\(\s*[^()]{2,40}\))",
                    re.IGNORECASE)
_BENEFIT_FROM = re.compile(r"\bbenefits?\s+(?:the\s+most\s+|most\s+)?from\b", re.IGNORECASE)
_CHOOSING = frozenset(tokenize("hire choose choice pick need get bring make sense add introduce hiring time fit move "
                               "option situation case circumstance scenario decide "
                               # (the verdict is no topic either: "when is a CSO the better choice?")
                               "better best right good ideal smart wise preferable"))


@dataclass(frozen=True)
class Question:
    text: str
    roles: tuple[str, ...]  # asked roles, in order of mention
    aspect_words: tuple[str, ...]  # surface words of the aspect
    aspect: tuple[str, ...]  # aspect as BM25 tokens (stemmed, term groups folded)
    aspect_text: str  # the question with role mentions removed, for the encoder
    answer_type: str
    quantity: str = ""  # the shape an answer must have: count:<noun>, percent, year, age, tenure, clock, or ""
    focus: str = ""  # the role asked about when another is named only as the alternative ("X instead of Y")
    scope: bool = False  # asks how far a remit reaches ("X too, or just Y?"), see asks_scope
    basis: bool = False  # asks what pay is based on, see asks_basis
    advice: bool = False  # asks what a company should do ("how do we set them up to succeed?"), see ADVICE
    without: tuple[str, ...] = ()  # roles the question sets aside ("we have no CRO"), see negated_roles
    sequence: bool = False  # asks what comes before or after a step ("the step right before VP?"), see SEQUENCE
    pay_duty: bool = False  # asks what a role does about pay, not what it earns, see asks_pay_duty

    @property
    def core_roles(self) -> tuple[str, ...]:
        return tuple(r for r in self.roles if r in CORE_ROLES)


# a sentence that asks: it ends in a question mark, or opens with a question word or a request
_QUESTION_OPENING = re.compile(
    r"(?:^\W*|,\s*)(?:(?:so|ok|okay|and|but|also|hey|hi|well|then|anyway|basically|quick q(?:uestion)?)\W+){0,3}"
    r"(?:what\w*|which|who\w*|whom|whose|when|where|why|how\w*|is|are|am|was|were|do|does|did|can|could|should|"
    r"shall|would|will|may|might|must|has|have|had|isn't|aren't|doesn't|don't|explain|describe|compare|tell|list|"
    r"give|define|name|show|help|any|sum|summari[sz]e|outline|walk|break|clarify|spell|remind|wat|wut|wht|whats|"
    r"hows|whos|wheres|whens)\b", re.IGNORECASE)
_ASKING = re.compile(r"\?\s*$|" + _QUESTION_OPENING.pattern, re.IGNORECASE)
# the asking sentence points at the rest: the asker's own case ("do we need one?") or words before it ("that")
_POINTS_BACK = re.compile(r"\b(?:we|we're|we've|we'd|us|our|ours|i|i'm|i've|i'd|my|this|these|those|such)\b|"
                          r"\b(?:that|it)\W*$|^\W*(?:is|was|are|does|do|did|can|should|would|will)\s+(?:that|it)\b",
                          re.IGNORECASE)
# the asker speaking of themself: "ive seen ...", "i heard ...", "i'm just curious"
_ASKER_SAYS = re.compile(r"^\W*(?:i|i['’]?ve|i['’]?m|i['’]?d|ive|im)\s+(?!\w+\?)", re.IGNORECASE)
_THIRD_PERSON = re.compile(r"\b(?:they|them|their|he|she|him|his|her)\b", re.IGNORECASE)
# what a question about the asker's case asks: whether or when a hire fits it
_FITTING = frozenset(tokenize("hire hiring choose choice pick need bring fit option decide overkill worth early soon "
                              "ready premature right"))
# one works for, or under, whom one reports to ("who does the VP of Sales work for?", "who works for the CRO?")
WORKS_FOR = re.compile(r"\bwork(?:s|ed|ing)?\s+(?:directly\s+)?(?:for|under|beneath|below)\b(?=\s*(?:whom?\b|\W*$|"
                       r"(?:(?:the|a|an|our|their)\s+)?(?:cso|cro|vp|chief|head|ceo|coo|cfo|president|board)\b))",
                       re.IGNORECASE)
# colloquial words for what the articles say plainly (English idioms, none the articles use)
_IDIOMS = tuple((re.compile(pattern, re.IGNORECASE), plain) for pattern, plain in (
    (r"\bnorth[- ]star\b", "main goal"),
    (r"\b(?:rock[- ]?star|super[- ]?star|all[- ]star|killer|stellar|a[- ]player|top[- ]notch)\b", "great"),
    (r"\bin\s+the\s+weeds\b", "tactical"),
    (r"\bbig(?:ger)?[- ]picture\b", "strategic"),
    # what is presented or sent to someone is reported to them ("who do they present it to?": "allows you to report
    # to your executive management and board")
    (r"\b(?:present|pitch|send|hand|deliver|submit|show)(?:s|es|ed|ing)?\s+"
     r"((?:it|them|that|this|those|these|(?:the|their|his|her|its|our|those|these)\s+[\w-]+))\s+to\b", r"report \1 to"),
    # telling whether something works is measuring its effectiveness ("how does a CRO tell if the revenue stuff is
    # actually working?": "key performance indicators (KPIs) to evaluate the effectiveness of ...")
    (r"\b(?:tell|know|see|check|judge|gauge)\s+(?:if|whether)\s+[^?]*?\b(?:(?:is|are|it's|its)\s+)?"
     r"(?:actually\s+|really\s+)?(?:working|paying\s+off|succeeding)\b", "measure the effectiveness"),
    # a role "added" is hired ("why would we add a CSO?")
    (r"\badd(?:s|ed|ing)?\b(?=\s+(?:a|an|another|the|our|one)\s+(?:cso|cro|vp|chief|head|sales\s+leader))", "hire"),
    # to "deal with" someone is to work with them (not the deals a role closes)
    # ("what's the deal with the CSO?" asks about the CSO)
    (r"(?<!\bthe )(?<!\ba )\bdeal(?:s|ing|t)?\s+(?:with\b|w/(?!\w))", "work with"),
    (r"\bhash(?:es|ing|ed)?\s+out\b", "determine"),
    (r"\bwhy\s+(?:even\s+)?bother\b", "why hire"),
    (r"\b(?:the|any)\s+catch(?:es)?\b(?!\s+up)", "the drawbacks"),
    # what is "good about" a role is its benefits, what is "bad about" it its drawbacks
    (r"\bwhat(?:'s|’s|\s+is|s)\s+(?:so\s+)?(?:good|great)\s+about\b", "what are the benefits of"),
    (r"\bwhat(?:'s|’s|\s+is|s)\s+(?:so\s+)?bad\s+about\b", "what are the drawbacks of"),
    # "which one matters more?": which is more important
    (r"\bmatters?\s+(?:more|most)\b", "is more important"),
    # the one at the top: "who's the top dog in sales?", "the head honcho"
    (r"\b(?:top\s+dog|head\s+honcho|big\s+cheese|big\s+boss|top\s+banana)s?\b", "highest-ranking executive"),
    # what a role "owns", asked with nothing after it, is what it oversees ("what does a CRO actually own?")
    # (not one's own: "does the CRO get a team of their own?")
    (r"(?<!\btheir )(?<!\bits )(?<!\bhis )(?<!\bher )(?<!\bmy )(?<!\bour )(?<!\byour )\bown(?=\W*$)", "oversee"),
    (WORKS_FOR.pattern, "report to"),  # "who works for who?"
    # a team or function "run" is one managed ("does the CSO run marketing too?")
    (r"\brun(?:s|ning)?\s+(?=(?:the\s+|their\s+|our\s+|all\s+(?:the\s+)?)?(?:sales|marketing|customer\s+success|finance|"
     r"operations|ops|teams?|departments?|functions?|org|organi[sz]ation)\b)", "manage "),
    # whom a role "works with", asked with who or which, are those it collaborates with ("collaborates with CRO,
    # CEO, and CFO on business strategy" names them; "works closely with other C-suite executives" does not)
    # (dev: +4 -1; for every question that says "work with": +5 -7)
    (r"^(\W*(?:\w+\W+){0,3}?(?:who|whom|which)\b.*?)\bwork(?:s|ing)?\s+(?:closely\s+)?with\b",
     r"\1collaborate with"),
    # data "pulled" from someone is collected from them ("what data does the CRO pull from the VPs?")
    (r"\bpull(?:s|ed|ing)?\b(?=[^?.]*\bfrom\b)", "collect"),
    # what a role "leans on" it relies on ("CSOs rely on data-driven insights ...")
    (r"\blean(?:s|ed|ing)?\s+on\b", "rely on"),
    # a job "landed" is one got: "what experience do you need to land it?"
    (r"\bland(?:s|ed|ing)?\s+(?=(?:it|that|this|one|the\s+(?:job|role|gig|position|title|seat)|an?\s+(?:job|role|gig|"
     r"position|seat)|(?:a|an|the)\s+(?:cso|cro|vp|chief|head)\w*)\b)", "get "),
))
_NEEDS_TO = re.compile(r"\bneeds?\s+to\b", re.IGNORECASE)
# a sentence about the asker's company ("we're a 30-person startup", "our business model is ..."), not about the
# asker ("I'm new here", "trying to get my head around our org chart")
_OUR_CASE = re.compile(r"\b(?:we|we're|we've|we'd|weve|us|our\s+(?:company|business|startup|firm|model|revenue|"
                       r"customers?|deals?|product|market|industry|size|stage|growth|sales\s+(?:team|cycle)))\b",
                       re.IGNORECASE)
# (and a closing aside in brackets: "... CSO? (asking for a friend lol)")
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?![^()]*\))|\s+[-\u2013\u2014]{1,2}\s+|\s+(?=\([^()]*\)\W*$)")
# a question run on into a sentence with no stop between them ("... care about Thanks in advance"): a
# capitalized common word after a lower-case one (a name is rarer: "Salesforce", "Series B")
_RUN_ON = re.compile(r"(?<=[A-Za-z0-9])\s+(?=[A-Z][a-z]+\b|I(?:'m|’m)?\s)")
_NO_END = re.compile(r"\b(?:a|an|the|of|my|our|your|their|his|her|its|this|that)$", re.IGNORECASE)  # "a Head of"
_RUN_ON_COUNT = 5_000
# six words or more, then a question in lower case to the end ("... and im underprepared is the head of revenue
# the boss of marketing too?"); not after words that set its case ("for a 50-person company which role fits?")
# (at least one more word than the count; a time or a ratio is a word: "a 1:1 at 2:30")
_WORDS_BEFORE = r"^\s*((?:[\w'’&/+-]+(?::\d+)?[\s,]+){%d,}?[\w'’&/+-]+(?::\d+)?\s+)"
_WH_WORD = r"(?:what|which|who|how|whats|wat|wut|wht)\s"
_LATE_QUESTION = re.compile(_WORDS_BEFORE % 5 + rf"(?=(?:{_WH_WORD}|(?:does|do|did|is|are|can|could|should|would|will|"
                            r"dose)\s+(?:the|a|an|my|our|your|their|they|we|you|i|it|he|she|this|that|these|those|"
                            r"(?-i:[A-Z]{2,}))\b)[^?]*\?\W*$)", re.IGNORECASE)
# ... or a question word after two words or more ("ugh, third time rewriting this who do AEs roll up to?")
_LATE_WH = re.compile(_WORDS_BEFORE % 1 + rf"(?={_WH_WORD}[^?]*\?\W*$)", re.IGNORECASE)
# ... and in a message with no question mark, after six words or more ("Writing up the org chart proposal for
# Monday and I keep going back and forth what background should a CRO candidate have")
_LATE_WH_UNMARKED = re.compile(_WORDS_BEFORE % 5 + rf"(?={_WH_WORD}[^?]*$)", re.IGNORECASE)
# a greeting before a question ("hey team do VPs of Sales get a company car?")
_GREETING = re.compile(r"^\s*(?:hey|hi|hello|hiya|heya|yo|morning|afternoon|evening|good\s+(?:morning|afternoon|"
                       r"evening))(?:\s+(?:there|all|team|folks|everyone|guys|y'all|everybody|bot))?[\s,!.:-]+",
                       re.IGNORECASE)
# words that open a phrase setting the case a question is asked in ("for a 50-person company ...", "in bigger orgs")
CASE_WORDS = (r"in|at|for|with|on|of|if|when|as|during|after|before|given|assuming|since|once|compared|besides|"
              r"without|except|other than|apart from")
_CASE_FIRST = re.compile(rf"\s*(?:{CASE_WORDS}|because)\b", re.IGNORECASE)
_ASKS_ME = re.compile(r"\b(?:do|does|did|should|can|could|would|will|shall|must|might|may|am|have|what|how|when|where|"
                      r"why|which|who|if|that|so|because|and|but|or|than|as|once|until|before|after|while)$",
                      re.IGNORECASE)


def _pieces(question: str) -> list[tuple[str, int]]:
    """The sentences (and dash- or bracket-set phrases) of a message, split again where a sentence runs on into
    another without a stop; each with the number of the sentence it came from."""
    pieces = []
    for n, part in enumerate(_SENTENCE_END.split(question.strip())):
        start = 0
        spans = role_spans(part) if _RUN_ON.search(part) else []
        for m in _RUN_ON.finditer(part):
            word = re.match(r"([A-Za-z]+)(\s+[A-Z][a-z])?", part[m.end():])  # (not a title: "Chief Sales Officer")
            if word and word.group(1) == "I":  # "... in one line I need it for a deck", not "what should I do"
                run_on = not _ASKS_ME.search(part[:m.start()])
            else:
                run_on = bool(word and not word.group(2) and not any(a <= m.end() < b for a, b, _ in spans)
                              and not _NO_END.search(part[:m.start()])
                              and (english_counts().get(word.group(1).lower(), 0) >= _RUN_ON_COUNT
                                   or part[m.start() - 1] == ","))
            if run_on:
                pieces.append((part[start:m.start()], n))
                start = m.end()
        rest = part[start:]
        # (the earliest start wins: "Ok weird one what parts of revenue management does the CRO own?")
        late = next((m for m in (_LATE_WH.match(rest), _LATE_QUESTION.match(rest),
                                 None if "?" in question else _LATE_WH_UNMARKED.match(rest))
                     if m and not _QUESTION_OPENING.search(m.group(1)) and not _CASE_FIRST.match(m.group(1))), None)
        if late:
            # "Not urgent at all, just curious does the CRO run marketing too?": the question starts late
            pieces += [(late.group(1), n), (rest[late.end(1):], n)]
        else:
            pieces.append((rest, n))
    return [(p, n) for p, n in pieces if p.strip()]


def _parts(question: str) -> list[str]:
    return [p for p, _ in _pieces(question)]


def _asking(parts: list[str]) -> list[int]:
    return [i for i, p in enumerate(parts) if _ASKING.search(p)]


def asking_text(question: str) -> str:
    """The sentences of `question` that ask (all of it when none or all do)."""
    parts = _parts(question)
    asking = _asking(parts)
    return " ".join(parts[i] for i in asking) if asking else question


# an apology that ends a message: "... lol sorry for the long message", "... sorry if this is a dumb question"
_SORRY_AFTER = re.compile(r"(?<=\w)[\s,;:.!?-]+(?:(?:lol|haha|lmao|hehe|ha)\s+)?(?:sorry|apologies|my bad)\s+"
                          r"(?:for|about|if|in advance)\b[^?]*$", re.IGNORECASE)
# thanks that end a message, and why the asker asks: "... cheers in advance", "... asking bc Jen mentioned it"
_THANKS_AFTER = re.compile(r"(?<=\w)[\s,;:.!-]+(?:(?:cheers|thanks|thank you|thx|ty|tia|much appreciated|appreciate it)"
                           r"(?:\s+(?:in advance|so much|a lot|a ton|all|team|folks|guys|everyone))?\W*|"
                           r"(?:just\s+|only\s+)?asking\s+(?:bc|b/c|because|cuz|coz|cos|since|as)\b[^?]*)$",
                           re.IGNORECASE)
# what the asker needs the answer for, ahead of the question: "For a comp benchmarking project I'm running this
# quarter, ..." (not a case: "for a startup, ...")
_PURPOSE = re.compile(r"^\s*(?:for|re:?)\s+(?:a|an|my|our|the|this|some)\s+[^,?]{0,60}?\b(?:project|deck|"
                      r"presentation|report|doc|document|review|analysis|meeting|write-?up|memo|workshop|slide|"
                      r"slides|study|survey|benchmark(?:ing)?|offsite|all-hands|wiki|handbook)\b[^,?]{0,40},\s*",
                      re.IGNORECASE)


def focus(question: str, known: Callable[[str], bool] | None = None) -> str:
    """`question` without the chatter around the sentences that ask ("So we're restructuring this quarter and
    I'm putting notes together: what metrics does a CRO focus on?", "ok cool, thanks. and the CRO?", "... CSO?
    (no rush, just curious)"): a sentence (or run-on piece of one) that names no role and has six words or
    more, a full stop or brackets. A short phrase is a topic ("Base pay: VP of Sales vs CRO?") or says what is
    asked ("... VP of Sales? skills wise"), unless `known` (whether the articles use a word) finds no word of the
    articles in it ("... CSO? Kinda urgent, sorry", "Ok weird one What does a CSO do?"). When the question points
    back or at the asker's company, what comes before it stays, and after it what speaks of the company ("We're a
    30-person startup. Do we need a CSO?");
    a question about "them" that names no role keeps it all ("vp of sales day to day - what do they do?")."""
    greeting = _GREETING.match(question)
    if greeting and _QUESTION_OPENING.match(question[greeting.end():]):
        question = question[greeting.end():]
    # "what does CRO stand for lol sorry for the long message", "For a deck I'm putting together, what ...?"
    question = _PURPOSE.sub("", _THANKS_AFTER.sub("", _SORRY_AFTER.sub("", question))) or question
    pieces = _pieces(question)
    parts = [p for p, _ in pieces]
    asking = _asking(parts)
    marked = [i for i in asking if parts[i].rstrip().endswith("?")]
    if marked:
        # ("what does a CRO do? a rough answer is fine, doesn't need to be perfect": a remark after the question,
        # with no question mark, that only has a question's opening after a comma and names no role, is no question)
        asking = [i for i in asking if i <= marked[-1] or find_roles(parts[i]) or _QUESTION_OPENING.match(parts[i])]
    if len(parts) < 2 or not asking or len(asking) == len(parts):
        return question.strip()
    said = " ".join(parts[i] for i in asking)
    context = [p for i, p in enumerate(parts) if i not in asking]
    roles = find_roles(said)
    fragment = not tokenize(_strip_roles(said)) and not _QUESTION_OPENING.search(said)
    if _THIRD_PERSON.search(said) and not roles:
        return question.strip()  # "vp of sales day to day - what do they do?": the role it asks about
    first = asking[0]
    # (what a role "needs to" do is no fit: "what outside stuff does a CRO need to keep an eye on?")
    fitting = set(tokenize(_NEEDS_TO.sub(" ", said))) & _FITTING
    # ("need quick wins on new logos asap - CSO or CRO??": a choice of bare roles is asked in the case before it)
    if _POINTS_BACK.search(said) or (fragment and len(roles) > 1) or ((fragment or fitting)
                                                                     and any(_OUR_CASE.search(p) for p in context)):
        # "we're like a 30 person startup - is a CSO overkill?", "... renewals + upsell. CRO or CSO?": what
        # comes before the question is the case it is asked in; after it, only a word on the company
        kept = set(range(first)) | {i for i, p in enumerate(parts) if _OUR_CASE.search(p)}
    else:
        kept = set()
    chatter: set[int] = set()
    for run in _runs([i for i in range(len(parts)) if i not in asking and i not in kept], pieces):
        aside = " ".join(parts[i] for i in run)
        if find_roles(aside) or any(_OVERVIEW.search(aside) or aside.strip() in m.group(0)
                                    for m in _OVERVIEW.finditer(question)):
            continue  # (nor what kind of answer is asked: "CSO?? the job in a nutshell pls", "... like I'm five")
        # a sentence, not a topic (a short phrase after the question stays: "... equity too")
        if len(aside.split()) >= 6 or re.search(r"[.!]\W*$", aside) or re.fullmatch(r"\(.*\)\W*", aside):
            chatter.update(run)
        elif run[0] > asking[-1] and _ASKER_SAYS.match(aside):
            # ("... make? ive seen really different numbers": after the question, the asker on themself)
            chatter.update(run)
        elif known is not None and not _speaks_of(aside, known):
            # ... unless no word of it is the articles' ("Kinda urgent, sorry", "quick one", "cheers"). (So "...
            # bonus? severance too" is asked as its question alone: what the articles don't cover is dropped with
            # the chatter; chatter sets D-F on 24k+24l gain 2-5 answers of 150 for it, the dev suites none lost.)
            chatter.update(run)
    return " ".join(p for i, p in enumerate(parts) if i not in chatter) if chatter else question.strip()


def _speaks_of(phrase: str, known: Callable[[str], bool]) -> bool:
    """Whether a short phrase may say what is asked: it has a word of the articles, an amount or an abbreviation
    ("skills wise", "base only", "like OTE", "$$ and perks"), sets a case ("for a startup") or heads what
    follows ("Base pay:")."""
    if "$" in phrase or re.search(r"(?<![:\w])\w+:\W*$", phrase) or _CASE_FIRST.match(phrase):
        return True  # (not an emoji's code: "Appreciate it :pray:")
    # (a contraction's ending is no word: "you're"; nor "one" standing for a thing: "quick one")
    bare = re.sub(r"['’](?:re|s|ll|ve|d|m|t)\b", "", phrase)
    words = [w for w in re.findall(r"[A-Za-z0-9&-]+", bare)
             if w.lower() not in STOPWORDS and w.lower() not in ("one", "ones")]
    return any(w.lower() in ABBREVIATIONS or (tokenize(w) and known(w)) for w in words)


def _runs(indices: list[int], pieces: list[tuple[str, int]]) -> list[list[int]]:
    """`indices` in runs of neighbours from one sentence: [0, 1, 3] -> [[0, 1], [3]]."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1 and pieces[i - 1][1] == pieces[i][1]:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _strip_roles(text: str) -> str:
    rest = strip_roles(text)
    # articles and connectives left dangling where a role was ("a CSO or a CRO" -> "")
    for _ in range(2):
        rest = re.sub(r"\b(?:a|an|the|or|and|vs\.?|versus|of|to|from|than|between)\b(?=[\s,?.!:;'’s]*(?:[,?.!:;]|$|"
                      r"\b(?:or|and|vs|versus)\b))", "", rest, flags=re.IGNORECASE)
    rest = re.sub(r"\(\s*(?:the|a|an|and|or|\s)*\)", "", rest)  # "(the CSO)" added by a follow-up
    return re.sub(r"\s+([,?.!:;])", r"\1", re.sub(r"\s+", " ", rest)).strip(" ,;:")


# "who'd report to who?", "how do they work with each other?": a question about a pair of roles
# ("who reports to whom?", "who's the boss of who?", "who works for who?")
RECIPROCAL = re.compile(r"\bwho\b.*\b(?:to|of|over|under|above|below|for)\s+whom?\b|\beach other\b|\bone another\b",
                        re.IGNORECASE)
_THE_OTHER = re.compile(r"\bthe other\b", re.IGNORECASE)


def asks_line_between(text: str) -> bool:
    """Whether a question about two roles asks how they stand to each other ("who reports to who?", "which of
    them reports to the other?", "who's more senior?"), not whom each reports to."""
    return bool(RECIPROCAL.search(text) or _THE_OTHER.search(text) or _RANKS.search(text))


_IS_ROLE = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:is|isn[’']?t|are|aren[’']?t)\s+(?:(?:a|an|the|our|your)\s+)?$",
                      re.IGNORECASE)
# between the two roles of "is a CRO basically just a glorified VP of Sales?", "is the CSO the same thing as a CRO?"
_AS_ROLE = re.compile(r"^\s+(?!(?:or|and|nor|vs|versus|with)\b)(?!(?:[\w-]+\s+){0,3}than\b)"
                      r"(?:[\w-]+\s+){0,4}?(?:a|an|the|like|as)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def asks_expansion(text: str) -> bool:
    """ "what does CMO stand for?", "what's that acronym short for?": the role's full name is asked."""
    return bool(_EXPANSION.search(text))


def asks_identity(text: str) -> bool:
    """Whether a question asks if one role is another in other words ("is a CRO just a glorified VP of Sales?",
    "isn't the CSO basically a VP of Sales?"): what the articles answer by setting the two side by side, whatever
    words the question calls one of them."""
    spans = role_spans(text)
    return any(a[2] != b[2] and bool(_IS_ROLE.match(text[:a[0]])) and bool(_AS_ROLE.match(text[a[1]:b[0]]))
               for a, b in zip(spans, spans[1:], strict=False))


# "what's a whitespace exercise exactly?", "what is net revenue retention?", "what does EBITDA stand for?": a term
# to define (not "what's the salary?": a determiner "the" asks of something, not what a word means)
_TERM_ASKED = re.compile(
    r"^\W*(?:(?:so|ok(?:ay)?|and|hey|sorry|quick q(?:uestion)?)\W+)*(?:"
    r"(?:what\s*(?:['’]s|\s+is)|whats|wats?\s+(?:is\s+)?|define|meaning\s+of)\s+(?:(?:an?)\s+)?(?!the\b)"
    r"(?P<term>[^?,.;:]+?)(?:\s+(?:exactly|anyway|again|actually|even|though))*"
    r"|how\s+(?:do|does|would|should|can)\s+(?:you|one|i|we)\s+(?:calculate|compute|work\s+out|figure\s+out)\s+"
    r"(?:(?:an?|the)\s+)?(?P<computed>[^?,.;:]+?)"
    r"|what\s+(?:does|do|is)\s+(?:(?:an?|the)\s+)?(?P<short>[^?,.;:]+?)\s+(?:mean|stand\s+for|refer\s+to)"
    r"(?:\s+(?:exactly|again|here|in\s+this\s+context))*)\s*\??\s*$", re.IGNORECASE)


def asked_term(text: str) -> str:
    """The term a question asks the meaning of, as written ("whitespace exercise", "CLTV (customer lifetime
    value)"), or "" when it asks something else: a role's definition, or anything of more than four words."""
    m = _TERM_ASKED.match(text)
    if not m or find_roles(text):
        return ""
    term = (m.group("term") or m.group("computed") or m.group("short")).strip()
    # ("what does the shared resources one mean?": the item of the last answer labelled "Shared Resources")
    term = re.sub(r"\s+(?:one|ones|bit|part|item|point|thing)$", "", term, flags=re.IGNORECASE)
    bare = re.sub(r"\([^()]*\)", " ", term)
    return term if 0 < len(bare.split()) <= 4 and tokenize(bare) else ""


# a role given something: "give them", "give the CRO" ("give me a rundown" only asks)
_GIVEN_TO_ROLE = re.compile(r"\bgiv(?:e|en|ing)\s+(?:them|him|her|(?:(?:the|a|an|our|your|that|this|their)\s+)?"
                            r"(?:cros?|csos?|vps?|chief|vice|heads?)\b)", re.IGNORECASE)
# verbs that take their meaning from their object ("set pricing", "work with enablement", "look at M&A"), as
# verbs (after a subject or "to"), not nouns ("the work", "a skill set")
_LIGHT_VERBS = frozenset(tokenize("set handle take get do make look work deal touch talk", query=False))
# pay jargon for the total: "all-in", "all in", "everything included", "with everything"
_ALL_IN = re.compile(r"\ball[- ]in\b|\beverything\s+(?:included|in)\b|\bwith\s+everything\b", re.IGNORECASE)
# "on the sales ops side", "from the marketing side of things": the area is what is asked, not a side
_ON_THE_SIDE = re.compile(r"\b(?:on|from|in)\s+the\s+((?:[\w&-]+\s+){1,3})side(?:\s+of\s+things)?\b", re.IGNORECASE)
# the way up to a role: "career path", "the path to CSO", "end up as a CSO ... the path?"
_CAREER_PATH = re.compile(r"\bcareer\s+(?:path|ladder|track|route)|\b(?:path|route|ladder|road|track)\s+(?:up\s+)?to\s+"
                          r"(?:(?:the|a|an|be|become|becoming|get|getting|to)\s+)*(?:cro|cso|vp|chief|c-suite|exec|top)|"
                          r"\b(?:end(?:s|ed)?\s+up\s+as|becom\w*|get\s+to\s+be)\b.*\b(?:path|route|ladder|road)\b",
                          re.IGNORECASE)
_PATH_WORDS = frozenset(tokenize("path route ladder road track become becoming", query=False))
_MANNER = frozenset(tokenize("together closely directly also usually often well", query=False))
_LIGHT_USE = re.compile(r"\b(?:do|does|did|to|they|we|i|you|he|she|cros?|csos?|sales|who|should|can|will|would)\s+"
                        r"(?:\w+\s+)?(?:set|sets|setting|handles?|handling|takes?|taking|gets?|getting|makes?|making|"
                        r"looks?|looking|works?|working|deals?|dealing)\s+(?:with|at|on|up|the|a|an|their|our|its|"
                        r"into|over|care|\w+ing\b|\w+s\b)|"
                        # ("does the VP touch retention at all?", "do they talk to clients?")
                        r"\b(?:touch(?:es|ing)?\s+(?!base\b)\w+|talk(?:s|ing)?\s+(?:to|with))\b", re.IGNORECASE)


def choice_between_roles(text: str) -> bool:
    """ "Is the CSO or the CRO more senior?": an "or" between two different role mentions."""
    spans = role_spans(text)
    return any(a[2] != b[2] and re.search(r"\bor\b", text[a[1]:b[0]], re.IGNORECASE)
               for a, b in zip(spans, spans[1:], strict=False))


# "does the CSO run marketing too, or just sales?": how far a role's remit reaches (answered by a unit that
# bounds it: "focuses exclusively on", "Sales only", "not just sales but also ...")
_OR_JUST = r"or\s+(?:is it\s+|are they\s+|do they\s+|does it\s+)?(?:just|only|merely|solely|purely)"  # "or is it just"
_SCOPE = re.compile(r"\b" + _OR_JUST + r"\b|"
                    r"\b(?:just|only|purely)\b[^?]*\bor\b[^?]*\b(?:too|also|as well)\b", re.IGNORECASE)


# "does a CSO deal with customers directly, or just manage the team?": whether the role does a thing itself, set
# against leading the people who do it (not how far its remit reaches)
_JUST_LEAD = _OR_JUST + r"\s+(?:manage|run|lead|oversee|supervise|direct|delegate|steer|sit)\b"
_JUST_LEADS = re.compile(r"\b" + _JUST_LEAD, re.IGNORECASE)
# (that other answer is left out of a yes/no question's aspect; the answer then gives no plain yes, since "just"
# leaves it open)
_OR_JUST_LEADS = re.compile(r",?\s+" + _JUST_LEAD + r".*$", re.IGNORECASE)
# pay and what it is made of
_PAY_WORDS = re.compile(_MONEY + r"|\b(?:bonus\w*|commission\w*|base|equity|incentiv\w*|ote|rewarded)\b",
                        re.IGNORECASE)


def asks_scope(text: str) -> bool:
    """Whether a question asks how far a remit reaches ("X too, or just Y?"; not "a bonus, or just base?",
    which asks what the pay is made of)."""
    return bool(_SCOPE.search(text)) and not _PAY_WORDS.search(text) and not _JUST_LEADS.search(text)


def asks_basis(text: str) -> bool:
    """Whether a question asks what pay is based on ("what is a CRO's compensation incentivized on?")."""
    # ("how should incentives be set up?" asks how to design them, not what they are based on)
    return bool(_BASIS.search(re.sub(r"\bset\s+up\b", " ", text, flags=re.IGNORECASE)) and _PAY_WORDS.search(text))


# choosing a role: "hiring a CSO", "the better call", "go with a CRO"
_PICK = re.compile(r"\b(?:hir(?:e|es|ed|ing)|better|pick\w*|choos\w*|prefer\w*|go(?:es|ing)? with|opt\w*|"
                   r"bring\w* in)\b", re.IGNORECASE)


def answer_type(text: str, roles: list[str]) -> str:
    """The kind of answer `text` expects (one of ANSWER_TYPES)."""
    core = [r for r in roles if r in CORE_ROLES]
    if len(set(core)) > 1 and (_PAY.search(text) or HOW_MUCH_PAY.search(text)) and not _BASIS.search(text):
        return "comparison"  # "who gets paid more, a VP of Sales or a CRO?" needs both figures
    if _WHO.search(text) or (not core and _WHAT_ROLE.search(text)) or (
            choice_between_roles(text) and not re.match(r"^\s*(?:how|what|why|when)\b", text, re.IGNORECASE)):
        return "role"
    if len(set(core)) == 1 and _FITS_US.search(text) and _FIRST_PERSON.search(text):
        # "is a CSO a good fit for us?", "does a CRO make sense for us?": when the role fits
        return "condition"
    if _YESNO.match(text):
        # "should we get a CSO?": whether to hire one role is answered by when it fits
        if (len(set(core)) == 1 or (not roles and _EXEC.search(text))) and _SHOULD_WE_HIRE.match(text):
            return "condition"
        return "yesno"
    if len(set(core)) > 1 and _CONDITION.match(text) and _PICK.search(text) and focus_role(text):
        # "when is hiring a CSO the better call than a CRO?": the case that role fits, not how the two differ
        return "condition"
    if len(core) > 1 and _COMPARE.search(re.sub(r"\brather than\b", " ", text, flags=re.IGNORECASE)):
        return "comparison"  # (a CSO "rather than" a CRO names the alternative, it compares nothing)
    if (re.search(r"\breport(?:s|ing)?\s+(?:in\s*)?to\b|\bboss\b|\breport(?:s|ing)? (?:line|structure)", text,
                  re.IGNORECASE) or ANSWERS_TO.search(text)) and not _WHY.match(text):
        return "role"  # (but "why does the CSO report to the CRO?" asks for the reason)
    if _DURATION.search(text):
        return "duration"
    if asks_pay_duty(text):
        return "fact"  # "what's the CRO responsible for when it comes to comp?": a duty, no amount
    # ("make" in a topic a follow-up carries in brackets is no pay: "what's the payoff of that? (make accurate
    # sales projections)"; "(pay)" is)
    unbracketed = re.sub(r"\([^()]*\)", " ", text)
    if ((_PAY.search(text) or (_AMOUNT.search(unbracketed) and not _HOW_MAKE.search(unbracketed))
         or HOW_MUCH_PAY.search(text)) and not _BASIS.search(text)):
        return "amount"
    if _REASON.search(text):
        return "reason"
    if _LIST.search(text):
        return "list"
    if _DEFINITION.search(_strip_roles(text)):
        return "definition"
    if _CONDITION.search(text) and not _YEAR.search(text):
        return "condition"
    return "fact"


# pay as the topic of a duty: "what is the CRO responsible for when it comes to comp?", "any pay-related duties?"
# (and what _ON_THE_HOOK and _TAKES_PART say: "accountable for", "have a hand in")
_DUTY = re.compile(r"\b(?:responsib\w*|dut(?:y|ies)|in\s+charge|tasks?|(?:have|has)\s+to\s+do)\b", re.IGNORECASE)
_PAY_TOPIC = re.compile(r"\b(?:comp|compensation|pay|incentives?|commissions?|bonus(?:es)?)[- ]related\b|"
                        r"\b(?:when\s+it\s+comes\s+to|regarding|about|around|in|on|with|for)\s+(?:the\s+)?"
                        r"(?:comp|compensation|pay|incentives?|commissions?|bonus(?:es)?)\b(?!\s+(?:of|for)\b)",
                        re.IGNORECASE)


def asks_pay_duty(text: str) -> bool:
    """Whether `text` asks what a role does about pay (a duty whose topic is comp), not what it earns."""
    duty = _DUTY.search(text) or _ON_THE_HOOK.search(text) or _TAKES_PART.search(text)
    return bool(duty and _PAY_TOPIC.search(text))


# a statement, then the question after a comma: "we're a 30-person startup, do we need a CSO yet?"
_CLAUSE_QUESTION = re.compile(r",\s+(?=(?:so\s+)?(?:do|does|should|shall|would|is|are|can|could|what|which|who|how|"
                              r"when|why)\b[^,]*\?\W*$)", re.IGNORECASE)
_HOW_COME = re.compile(r"\bhow\s+come\b", re.IGNORECASE)
# a yes/no question's other answer, no: "..., or is that someone else's job?", "... or nah"
OR_NOT = re.compile(r",?\s+or\s+(?:(?:is|are|does|do|would|will)\s+(?:that|it|this|they)\b|"
                    r"(?:someone|somebody|anyone)\s+else\S*|nah|not|no|nope)\b.*$", re.IGNORECASE)

# "we have no CRO yet", "without a CRO, who ...": a role the question sets aside, not asks about
# ("isn't a CSO just a VP of Sales?" asks of the CSO: an inverted question, where "there isn't a CRO" sets one aside)
_NEGATED = re.compile(r"\b(?:no|without|not|never|lacks?|lacking|haven[’']?t got|there\s+(?:isn|aren)[’']?t|"
                      r"there[’']?s no|"
                      # "if you don't have a CRO", "we won't get a CRO", "not hiring a CRO"
                      r"(?:do|does|did|wo|would|should|can)n[’']?t\s+(?:have|get|hire|need|want|add)|"
                      r"not\s+(?:having|getting|hiring|adding))\s+(?:(?:a|an|the|any|our|their)\s+)?$", re.IGNORECASE)


# an amount of a thing: "how much equity does a CRO get?", "at what ARR should we hire a CRO?" ("how much
# bonus" is pay, which the articles give as totals "including bonuses"; "how much experience" a duration)
_HOW_MUCH_OF = re.compile(r"\bhow\s+much\s+([a-z-]+)\s+(?:do|does|did|is|are|will|would|should|can|could|might|may|"
                          r"to|has|have)\b|\bat\s+what\s+(arr|mrr|revenue|run[- ]rate|valuation|headcount)\b",
                          re.IGNORECASE)
_NO_AMOUNT_OF = frozenset((
    *NOT_PAY_AMOUNTS, "salary", "revenue", "bonus", "bonuses", "commission", "commissions", "incentive", "incentives",
    "ote", "base", "total", "money", "cash", "dough", "more", "less", "of", "the", "a", "an", "it", "that", "this"))


def asked_quantity(text: str) -> str:
    """What a quantity question needs in its answer ("count:report direct", "percent", "year", ...)."""
    if _PERCENT.search(text):
        return "percent"
    currency = _CURRENCY.search(text)
    if currency:
        return f"currency:{currency.group(0).lower()}"
    if _YEAR.search(text):
        return "year"
    if _AGE.search(text):
        return "age"
    if _COMPANY.search(text):
        return "name"
    if _TENURE.search(text):
        return "tenure"
    if _TAKES.search(text):
        return "time"
    if _CLOCK.search(text):
        return "clock"
    thing = _HOW_MUCH_OF.search(text)
    if thing:
        noun = (thing.group(1) or thing.group(2)).lower()
        if noun not in _NO_AMOUNT_OF and not set(tokenize(noun)) & {"salary", "experience"}:
            return f"amount:{tokenize(noun)[0] if tokenize(noun) else noun}"
    m = _COUNT.search(text + " ")
    if m:
        phrase = []
        for word in m.group(1).lower().split():
            if word in _COUNT_END:
                break
            phrase.append(word)
        plurals = [w for w in phrase if len(w) > 3 and w.endswith("s") and not w.endswith("ss")]
        head = plurals[-1] if plurals else (phrase[-1] if phrase else "")
        return f"count:{head.removesuffix('s')}" if head else "count"
    return ""


_INSTEAD = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:instead of|rather than|over|and not|but not|not|"
                      # "a CSO the better call than a CRO"
                      r"(?:better|smarter|wiser)(?:\s+(?:call|choice|pick|move|option|fit|bet))?\s+than)\W+"
                      r"(?:(?:a|an|the|our)\s+)?$", re.IGNORECASE)


def focus_role(text: str) -> str:
    """ "hire a CSO instead of a CRO": the role asked about, when the other is only its alternative."""
    spans = role_spans(text)
    for a, b in zip(spans, spans[1:], strict=False):
        if a[2] != b[2] and a[2] == spans[0][2] and _INSTEAD.match(text[a[1]:b[0]]):
            return a[2]  # (the first role asked: in "does the VP report to the CRO, not the CSO" it is the VP)
    return ""


def negated_roles(text: str) -> list[str]:
    """Roles `text` sets aside: "we have no CRO", "if you don't have a CRO", "without a CRO"."""
    return roles_after(text, _NEGATED, 30)


def asked_roles(text: str, negated: list[str] | None = None) -> list[str]:
    """Roles mentioned in `text`, less the ones it negates (`negated`, when already found; unless those are all
    it names)."""
    negated = negated_roles(text) if negated is None else negated
    roles = find_roles(text)
    kept = [r for r in roles if r not in negated]
    return kept or roles


_WHO_MANAGES_VERBS = "manages leads oversees supervises"


def _without_glosses(text: str) -> str:
    """ "the head sales exec (CSO)" -> "the (CSO)": a description of the role in brackets is no aspect."""
    def drop(m: re.Match[str]) -> str:
        bracket = text[m.end():text.index(")", m.end()) + 1]
        return m.group(0)[: m.start(1) - m.start()] if find_roles(bracket) else m.group(0)
    return _GLOSS.sub(drop, text)


# where the asker read it: "according to the VP of Sales vs CRO article,", "in the CSO piece", "per the articles"
_SOURCE = re.compile(r"\b(?:according\s+to|per|in|from|based\s+on)\s+(?:the|that|this|your|an?)\s+"
                     r"(?:[^,?.!]{0,60}?\s+)?(?:article|post|piece|blog(?:\s+post)?|guide|write-?up)s?\b\s*,?",
                     re.IGNORECASE)


def analyze(text: str) -> Question:
    """Roles, aspect and expected answer type of a (standalone, spelling-repaired) question."""
    # ("according to the VP of Sales vs CRO article, what does a VP of Sales ...": the roles of a title cited are
    # no roles asked, when the question names its own; "in the CSO article, what skills are listed?" asks of
    # the CSO)
    unsourced = _SOURCE.sub(" ", text)
    text = unsourced if find_roles(unsourced) else text
    negated = negated_roles(text)
    roles = asked_roles(text, negated)
    asked = _ALL_DAY.sub("day-to-day", _BESIDES.sub(" ", _ONCE_HIRED.sub(" ", text)))  # ("all day": day to day)
    asked = _KEEP_TRACK.sub("be informed about", asked)  # ("stay on top of" is no "top")
    asked = _TAKES_PART.sub("do", asked)  # ("have any say in pricing": pricing)
    asked = _END_UP.sub(" ", asked)  # ("more likely to end up siloed": siloed)
    asked = _GOOD_AT.sub("strengths", asked)  # ("what's the CSO good at?": its strengths)
    asked = _ON_THE_HOOK.sub("responsible for", asked)  # ("what are they on the hook for?")
    asked = _ON_PLATE.sub(r"\1responsibilities", asked)  # ("what's on their plate?")
    for saying, plain in _IDIOMS:  # ("a rockstar VP of Sales": a great one, in the articles' words)
        asked = saying.sub(plain, asked)
    if _JUDGED_ON.search(asked):  # ("what numbers do they get judged on?": the metrics they are measured on)
        asked = _NUMBERS.sub("metrics", _JUDGED_ON.sub("measured on", asked))
    elif _NUMBERS.search(asked) and (_WHICH_NUMBERS.search(asked) or _WATCHES.search(asked)):
        # ("what numbers does a CSO watch?": the metrics it tracks)
        asked = _WATCHES.sub("track", _NUMBERS.sub("metrics", asked))
    # "Sales drives all our revenue. Should we get a CSO?": the situation first, the question last
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", text.strip()) if x]
    # (and "we're a 30-person startup, do we need a CSO yet?": the question after the comma)
    clause = _CLAUSE_QUESTION.search(asked) if not _QUESTION_OPENING.match(asked) else None
    kind = answer_type(sentences[-1] if len(sentences) > 1 and sentences[-1].endswith("?") else
                       asked[clause.end():] if clause else asked, roles)
    asked = _without_glosses(_HOW_COME.sub("why", asked))  # ("how come?" asks why: "come" is no topic)
    if kind == "yesno":  # "do CSOs coach the reps, or is that beneath them?": the other answer is no topic
        asked = _OR_JUST_LEADS.sub("", OR_NOT.sub("", asked))
    framed = _ON_THE_SIDE.sub(r"\1", _OVERVIEW.sub(" ", _EXPANSION.sub(" ", asked)))
    if kind != "amount":  # ("PTO per year": the rate, no topic; pay "a year" is how the articles give it)
        framed = _PER_PERIOD.sub(" ", framed)
    rest = _strip_roles(_TOGETHER.sub(" both ", framed))
    # "which of the sales leadership roles ...?": the class of the role asked for is not the aspect
    # (the encoder still reads it: "which executives" are best answered by a unit naming executives)
    plain = _ROLE_CLASS.sub(" ", rest) if kind == "role" else rest
    found = (w.rstrip("'-") for w in re.findall(r"[a-z0-9$][a-z0-9'$&-]*", plain.lower().replace("’", "'")))
    words = [w for w in found if w and w.replace("'", "") not in _FRAME and w not in _FRAME]
    aspect_tokens = tuple(dict.fromkeys(t for w in words for t in tokenize(w, query=False)))
    if _GIVEN_TO_ROLE.search(text) and "give" not in aspect_tokens:
        # "what should we give the CRO?" asks what the role is given ("Give a CRO authority across departments")
        aspect_tokens += ("give",)
    if (HOW_MUCH_PAY.search(text) or "$" in text) and "salary" not in aspect_tokens:  # ("$$-wise": pay)
        aspect_tokens += ("salary",)
    boss = bool(boss_question(text))
    if boss:  # "who manages the CSO?": the reporting line, not what managing is
        aspect_tokens = tuple(t for t in aspect_tokens if t not in tokenize(_WHO_MANAGES_VERBS, query=False))
    # "roll up under", "sit under", "answer to": a reporting line in other words, whose words are not the aspect
    idiom = {t for m in ANSWERS_TO.finditer(text) for t in tokenize(m.group(0), query=False)} - {"report"}
    idiom |= {t for m in re.finditer(TAKE_HOME, text, re.IGNORECASE) for t in tokenize(m.group(0))} - {"salary"}
    aspect_tokens = tuple(t for t in aspect_tokens if t not in idiom)
    if _CAREER_PATH.search(text) and roles:
        # "how does someone end up as a CSO, whats the path?", "career path up to VP of sales": how people advance
        # to the role, in the articles' word (a company's "path to growth" is no career)
        aspect_tokens = tuple(t for t in aspect_tokens if t not in _PATH_WORDS) + tuple(
            t for t in tokenize("advance", query=False) if t not in aspect_tokens)
    moves = [m.group(0) for m in _MOVE_UP.finditer(text)]
    if moves:
        # "move up", "make the leap", "get promoted": advancing, in the articles' word
        moved = {t for m in moves for t in tokenize(m, query=False)}
        aspect_tokens = tuple(t for t in aspect_tokens if t not in moved) + tuple(
            t for t in tokenize("advance", query=False) if t not in aspect_tokens)
    if (boss or ANSWERS_TO.search(text) or (len(set(roles) & CORE_ROLES) > 1 and _RANKS.search(text))) and (
            "report" not in aspect_tokens):
        aspect_tokens += ("report",)  # (which of two roles is more senior is told by who reports to whom)
    if len(set(roles) & CORE_ROLES) > 1 and (_DECIDE.search(asked) or (
            len(sentences) > 1 and choice_between_roles(sentences[-1]) and kind == "role")):
        # "our revenue is mostly one-off deals. CSO or CRO?", "how do we decide between a CSO and a CRO?":
        # which role fits a situation is answered by when each one fits
        kind = "condition"
    focus = focus_role(text)
    if kind == "condition" or focus or (len(set(roles) & CORE_ROLES) > 1 and choice_between_roles(text)):
        # "when is a CSO the right hire?", "when does a CRO make sense?": choosing the role is what a
        # condition question frames; what it asks is the condition (and so does picking one role over another)
        aspect_tokens = tuple(t for t in aspect_tokens if t not in _CHOOSING)
        if kind == "condition" and _BENEFIT_FROM.search(text):  # ("which companies benefit from a CRO?": fit)
            aspect_tokens = tuple(t for t in aspect_tokens if t != "benefit")
        if kind == "reason" and focus and not aspect_tokens:
            # "why would a company pick a CSO over a CRO?": the reason to pick one is when it fits
            kind = "condition"
    if _THE_HIRE.search(text) and len(aspect_tokens) > 1:  # "the downsides of that hire": the person, not hiring
        aspect_tokens = tuple(t for t in aspect_tokens if t != "hire")
        rest = _THE_HIRE.sub(" ", rest)
    if not aspect_tokens and roles and _WHAT_DOES_DO.search(text):
        # "what does a VP of Sales do?": what a role does is its responsibilities
        aspect_tokens = ("responsibility",)
    if "salary" in aspect_tokens and _ALL_IN.search(text) and "total" not in aspect_tokens:
        aspect_tokens += ("total",)  # "what does a VP of Sales make all-in?": the total with incentives
    # (not "who do they work with ...?", which asks the relation; nor "work together", which has no object)
    objects = set(aspect_tokens) - _LIGHT_VERBS - _MANNER
    if set(aspect_tokens) & _LIGHT_VERBS and objects and kind != "role" and _LIGHT_USE.search(text):
        # "does the CRO set pricing?", "how do they work with enablement?": a light verb takes its meaning from
        # its object, which is what is asked
        aspect_tokens = tuple(t for t in aspect_tokens if t not in _LIGHT_VERBS)
    if _FORMER_NAME.search(text):  # "what was the CRO called before?": what it was formerly known as
        aspect_tokens = tuple(t for t in aspect_tokens if t not in _FORMER_WORDS) + ("former", "known")
    return Question(text=text, roles=tuple(roles), aspect_words=tuple(words), aspect=aspect_tokens,
                    aspect_text=rest, answer_type=kind, quantity=asked_quantity(text), focus=focus,
                    scope=asks_scope(text), basis=asks_basis(text), pay_duty=asks_pay_duty(text),
                    advice=bool(ADVICE.search(text)) and kind in ("fact", "list", "reason", "yesno"),
                    # ("we don't have a CRO: how do we keep sales and marketing aligned?" names no other role,
                    # and keeps the CRO as its role; what it sets aside still meets what is said without one)
                    without=tuple(negated),
                    sequence=bool(SEQUENCE.search(text)) and kind not in ("amount", "comparison")
                    and not _FORMER_NAME.search(text)  # ("what was the title before?" asks its former name)
                    and not _FOR_THE_STEP.search(text))  # ("what skills for that jump?" asks for skills)


def hiring_by(q: Question) -> set[str]:
    """The asked roles a hiring question asks to hire ("what's the CRO's part in hiring?", "does the CRO recruit
    too?"), not to be hired ("Consider hiring a CRO if ...": about hiring one)."""
    if "hire" not in q.aspect:
        return set()
    return set(q.roles) - set(q.without) - hired_roles(q.text)
