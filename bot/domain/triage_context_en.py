"""English context cues (ConText triggers): negation, time, who, hypothesis, doubt.

Each row is a regex over normalised text (lower case, no accents, straight
apostrophes). ``NEAR`` cues reach across filler words and lists only; ``CLAUSE``
cues reach the whole clause. A row with no context is a pseudo cue: it masks a
look-alike ("no doubt" is not a negation, "as if" is not a condition).
"""

from __future__ import annotations

from bot.domain.triage_cues import Context, Cue, Direction, Reach, cue
from bot.domain.triage_lexicon import words

B, F, BOTH = Direction.BACKWARD, Direction.FORWARD, Direction.BOTH
NEAR, CLAUSE = Reach.NEAR, Reach.CLAUSE

_NEGATION = words(
    "no", "not", "non", "never", "without", "none", "nor", "neither", "nothing", "don't", "do not",
    "doesn't", "does not", "didn't", "did not", "haven't", "have not", "hasn't", "has not", "hadn't",
    "isn't", "is not", "aren't", "are not", "wasn't", "weren't", "won't", "can't", "cannot", "couldn't",
    "less", "hardly", "barely", "zero", "free of", "negative for", "w/o", "denies", "deny", "clear of",
    "rid of", "no sign of", "no signs of", "ruled out", "nope", "no more", "got rid of",
)
_PERSON = (
    r"(?:daughter|son|husband|wife|partner|mom|mum|mother|mama|dad|father|papa|kid|kids|child|children|"
    r"baby|brother|sister|friend|neighbou?r|boyfriend|girlfriend|fiance|fiancee|grandma|grandpa|"
    r"granny|grandmother|grandfather|grandson|granddaughter|aunt|uncle|cousin|niece|nephew|colleague|"
    r"coworker|roommate|flatmate|boss|family|carer|caregiver)"
)
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
)
_SEASON = r"(?:winter|summer|spring|autumn|fall|year|month|christmas|easter)"
_COUNT = r"(?:\d+|a|an|one|two|three|four|five|six|several|a\s+few|few|many|some)"
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the\s+weekend|the\s+injection|the\s+shot)"

EN_CUES: tuple[Cue, ...] = (
    # negation: a cue, then filler words, then the sign ("I don't think I have a fever")
    cue(Context.NEGATED, rf"\b(?:{_NEGATION})\b", F, NEAR),
    # negation after the sign: "fever: no", "fever - none", "redness, not spreading"
    cue(Context.NEGATED, r"(?:[:=\-?]+\s*)(?:no|none|nope|negative|nil|nah)\b|(?<=\s)(?:no|none|nope)\b"
        r"(?=\s*(?:[,.;!?]|$|\b(?:but|and)\b))", B, NEAR),
    cue(Context.NEGATED, r"(?:,\s*|\b)(?:(?:is|it's|its|it|that|are|has|but)\s+)?(?:not|isn't|isnt|aren't|arent|"
        r"hasn't|hasnt)\s+(?:(?:is|been)\s+)?(?:spreading|spread|growing|getting\s+(?:bigger|larger)|"
        r"increasing|expanding)\b", B, NEAR),
    # resolved: "the fever is gone", "the warmth around the needle mark went away"
    cue(Context.RESOLVED, r"\b(?:(?:is|are|was|were|has|have|had|seems|to\s+be|now|already|all|completely|"
        r"totally|finally|mostly|basically|pretty\s+much|almost|nearly|gradually|slowly)\s+){0,3}"
        r"(?:gone(?:\s+away|\s+down)?|went\s+(?:away|down)|going\s+(?:away|down)|go(?:ne)?\s+away|"
        r"disappeared|disappearing|subsided|subsiding|resolved|fading|faded|cleared(?:\s+up)?|clearing"
        r"(?:\s+up)?|settled(?:\s+down)?|settling(?:\s+down)?|decreasing|decreased|improving|improved|"
        r"(?:come|came|coming)\s+down|receding|over\s+now|eased(?:\s+off)?|easing(?:\s+off)?|passed|stopped|"
        r"wore\s+off|worn\s+off|wearing\s+off|calmed\s+down|died\s+down|dried\s+up|healed|cooled\s+(?:right\s+)?"
        r"(?:down|off))\b"
        r"(?!\s+(?:my|the|to|towards?|into|along|his|her|your)\b)", B, NEAR),
    cue(Context.RESOLVED, r"\b(?:no\s+longer|not\s+any\s*more|not\s+anymore)\b", F, NEAR),
    cue(Context.RESOLVED, r"\b(?:no\s+longer|not\s+any\s*more|not\s+anymore|none\s+now)\b", B, NEAR),
    cue(Context.RESOLVED, r"(?:,\s*)?(?:(?:today|now|but)\s+)?(?:not\s+any\s*more|not\s+anymore|no\s+longer|none\s+now)"
        r"(?=\s*(?:[.!?]|$))|\b(?:it'?s|its|it\s+has|has|they'?ve|have)\s+been\s+(?:fine|ok|okay|good|great|normal)"
        r"(?:\s+(?:ever\s+)?since(?:\s+then)?)?\b", B, CLAUSE),
    cue(Context.RESOLVED, r"\b(?:but|and)\s+(?:(?:it'?s|its|it\s+is|they'?re|they\s+are|that'?s|i'?m|i\s+am)\s+)?"
        r"(?:not\s+any\s*more|not\s+anymore|no\s+longer|not\s+now|not\s+today|(?:all\s+)?gone(?:\s+now)?|"
        r"(?:(?:all|much|a\s+lot|way|loads)\s+)?better(?:\s+now)?|fine\s+now|ok(?:ay)?\s+now|"
        r"over(?:\s+now)?|back\s+to\s+"
        r"normal(?:\s+(?:now|today))?|cooled\s+(?:right\s+)?(?:down|off)(?:\s+now)?)\b"
        r"|\bbut\s+(?:it|they|that)(?:'s|\s+has|\s+is)?\s+(?:went|gone|has\s+gone|have\s+gone|passed|settled|cleared)\b"
        r"|\bbut\s+(?:the\s+)?(?:feeling|sensation|strength)\s+(?:has\s+)?(?:came|come|"
        r"is\s+coming)\s+back\b", B, CLAUSE),
    cue(Context.RESOLVED, r"\b(?:is|are|it'?s|its|now|all)\s+back\s+to\s+normal\b|\b(?:feeling|sensation)\s+(?:has\s+)?"
        r"(?:came|come)\s+back\b", B, NEAR),
    # past and over: "a fever last winter", "back in March", "years ago"
    cue(Context.HISTORICAL, rf"\b(?:last|this\s+past)\s+{_SEASON}\b|\b{_COUNT}\s+(?:years?|yrs?|months?)\s+ago\b"
        rf"|\b(?:long|ages|years|months)\s+ago\b|\bback\s+in\s+(?:{_MONTH}|\d{{4}}|the\s+day|school|college)\b"
        rf"|\bin\s+{_MONTH}\b|\bin\s+(?:19|20)\d\d\b|\bas\s+a\s+(?:kid|child|teen(?:ager)?|baby|boy|girl)\b"
        r"|\bwhen\s+i\s+was\s+(?:young|younger|little|small|a\s+kid|a\s+child|a\s+teen(?:ager)?|pregnant)\b"
        r"|\bin\s+the\s+past\b|\b(?:history|hx)\s+of\b|\bused\s+to\b|\bbefore\s+(?:the|my|this|any|i\s+started)"
        r"\s*(?:treatment|injections?|shots?|first\s+session|course|prolotherapy|procedure)?\b"
        r"|\bprevious(?:ly)?\b|\bonce\s+before\b|\bin\s+my\s+(?:twenties|thirties|forties|youth)\b"
        r"|\b(?:a\s+)?(?:long\s+)?time\s+ago\b|\blast\s+time\s+i\b", BOTH, CLAUSE),
    cue(Context.RECENT_PAST, rf"\b(?:yesterday|last\s+night|earlier|the\s+other\s+day|last\s+week(?:end)?|"
        r"(?:at|over|on)\s+the\s+weekend|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
        rf"{_COUNT}\s+(?:days?|weeks?)\s+ago)\b", BOTH, CLAUSE, comma_ends=True),
    cue(Context.PAST_TENSE, r"\b(?:had|was|were|got|felt|went|caught)\b", BOTH, CLAUSE, comma_ends=True),
    # ongoing: "since this morning", "still", "for two days"
    cue(Context.ONGOING, rf"\b(?:since\s+(?:this|last|yesterday|the|my|i|it|then|\d|a\s+few|{_DAY})|still|"
        r"ever\s+since|right\s+now|now|currently|at\s+the\s+moment|today|just|"
        r"tonight|this\s+(?:morning|afternoon|evening)|just\s+now|at\s+the\s+minute|nowadays|"
        r"(?:gets?|getting|got)\s+worse|worse\s+now|not\s+going\s+(?:away|down)|won'?t\s+go\s+(?:away|down)|"
        r"doesn'?t\s+go\s+(?:away|down)|persists?|persistent|continues?|continuing)\b", BOTH, CLAUSE,
        comma_ends=True),
    # hypothetical or future: "should I call if it gets hot?", "what if I get a fever"
    cue(Context.HYPOTHETICAL, r"\b(?:if|in\s+case(?:\s+of)?|what\s+if|unless|should\s+i\s+(?:ever\s+)?(?:get|"
        r"develop|notice|see|start)|(?:could|can|will|might|would|may)\s+i\s+(?:get|develop|have|notice|see|"
        r"expect)|is\s+it\s+possible\s+(?:to|that\s+i)\s+(?:get|have|develop)|(?:chance|risk|possibility|"
        r"odds)\s+of|(?:watch|look)\s+(?:out\s+)?for|keep\s+an\s+eye\s+(?:out\s+)?(?:for|on)|be\s+aware\s+of|"
        r"what\s+(?:are|would\s+be|r)\s+(?:the\s+)?(?:warning\s+|danger\s+|main\s+)?(?:signs?|symptoms?)\s+"
        r"(?:of|to\s+(?:look|watch))|in\s+the\s+future|next\s+time|going\s+forward|later\s+on|"
        r"at\s+what\s+point|how\s+(?:high|bad|much|long|red|swollen|hot)\b[^.!?]{0,40}\bbefore|"
        r"what\s+(?:temperature|temp|"
        r"number)\s+(?:counts\s+as|is\s+considered|is|means)|how\s+high\s+(?:is|does)\s+a)\b",
        F, CLAUSE, comma_ends=True),
    cue(Context.HYPOTHETICAL, r"\b(?:a\s+)?(?:side\s+effects?|common\s+reaction|common\s+thing|thing)\s+(?:that\s+)?"
        r"(?:people|patients|you|others|folks|i\s+should)\s+(?:get|have|experience|look\s+out\s+for|watch\s+(?:out\s+)?"
        r"for)\b", B, CLAUSE),
    cue(Context.HYPOTHETICAL, r"\b(?:is\s+it\s+(?:normal|common|possible|usual|ok|okay|bad)\s+(?:to|for\s+(?:it|"
        r"the\s+\w+)\s+to)\s+(?:get|develop|become|start|go|turn))\b", F, CLAUSE),
    # someone else, and what ends it: the patient themself
    cue(Context.OTHER_PERSON, rf"\b(?:my|our|his|her|their|a|the)\s+{_PERSON}(?:'s|s)?\b|\b(?:he|she|he's|"
        r"she's|someone|somebody|another\s+patient|other\s+patients?|him|his|hers)\b", F, CLAUSE, comma_ends=True),
    cue(Context.SELF, r"\b(?:i|i'm|i've|i'd|i'll|me|myself|mine)\b|\bmy\s+(?!" + _PERSON + r")\w+", F, CLAUSE),
    # doubt: the sign still counts, and the bot asks the follow-up question
    cue(Context.DOUBT, r"\b(?:maybe|might|may|perhaps|possibly|probably|think|thinking|guess|suppose|"
        r"seems?|seemed|looks?\s+like|kind\s+of|kinda|sort\s+of|a\s+bit|bit|a\s+little|little|slight|slightly|"
        r"somewhat|some|mild|mildly|not\s+(?:really\s+)?sure(?:\s+(?:if|whether))?|unsure(?:\s+(?:if|whether))?|"
        r"(?:don'?t|do\s+not)\s+know(?:\s+(?:if|whether))?|no\s+idea(?:\s+(?:if|whether))?|can'?t\s+tell"
        r"(?:\s+(?:if|whether))?|wonder(?:ing)?(?:\s+(?:if|whether))?|whether|could\s+be|could\s+it\s+be|"
        r"is\s+(?:it|this|that)\s+(?:normal|ok|okay|common|expected|usual|bad|a\s+problem)|normal\??)\b",
        BOTH, CLAUSE),
    cue(Context.DOUBT, r"\?|\b(?:lol|lmao|haha\w*|jk)\b", B, CLAUSE),
    cue(Context.DOUBT, r"\bis\s+it\s+(?:ok|okay|normal|bad|fine|a\s+problem)\s+if\b", BOTH, CLAUSE),
    cue(Context.DOUBT, r"\bis\s+it\s+(?:bad|normal|ok|okay|a\s+problem|serious|worrying|dangerous)\s+"
        r"(?:if|that|when)\s+"
        r"(?:it'?s|it\s+is|there'?s|there\s+is|there\s+are|i\s+have|i'?ve\s+got|my\s+\w+\s+(?:is|are|has)|"
        r"the\s+\w+\s+(?:is|are|has))\b", BOTH, CLAUSE),
    # pseudo cues: look-alikes that say nothing about a sign
    cue(None, r"\b(?:no\s+doubt|not\s+only|no\s+matter|not\s+bad|no\s+worries|not\s+worried\s+about\s+the\s+"
        r"bill|as\s+if|even\s+so|if\s+so|if\s+not|if\s+that|if\s+anything|nothing\s+but)\b"),
    cue(None, r"\b(?:never\s+mind|nevermind|no\s+thanks?|not\s+yet\s+sure)\b"),
)

_FILLER_WORDS = (
    "anaesthetic anesthetic local numbing from weird strange unusual major new odd funny "
    "a an the any anymore have has had having got get getting i i've i'm me my it it's its is are was were be "
    "been feel feeling feels felt see seen saw notice noticed noticing think there there's really at all more "
    "longer much obvious visible signs sign of real that this experienced experiencing developed show showing "
    "shows evidence so far too also even actually currently now today tonight do does did whatsoever whatever "
    "kind type around near on in by from over under above below next to needle needles mark marks site sites "
    "spot spots area injection injections shot shots knee knees joint shoulder back hip elbow ankle wrist leg "
    "arm foot hand skin puncture where which mentioned told you said yesterday earlier before little bit "
    "quite very that's those these them they anything about talked spoke wrote asked sent photo last time "
    "look looks looking seem seems appear appears each every both dot dots small tiny day first"
)
EN_FILLERS = frozenset(_FILLER_WORDS.split())
EN_LIST_WORDS = frozenset({"a", "an", "the", "any", "some", "no", "my", "of", "or", "nor", "even", "much", "signs",
                           "sign", "real", "at", "all", "in", "on", "around", "knee", "site", "skin"})
"""Words that may come before the next sign of a negated list ("no fever, chills or any pus")."""
EN_QUESTION = r"\?|\b(?:what|when|who|how|should|shall|do\s+i|can\s+i|is\s+it|which|where)\b"
EN_FORWARD_SEPARATORS = frozenset({",", "or", "nor", "neither", "either", "/", "&"})
EN_BACKWARD_SEPARATORS = frozenset({",", "or", "nor", "/", "&", "and"})
EN_CONTRAST = r"but|however|although|though|except|apart\s+from|yet|whereas|instead"
