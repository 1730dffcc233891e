"""English wordings of the CLINICAL.md signs (one table, read top to bottom).

Definite rules name the sign ("pus", "red streaks", "can't breathe"); doubtful
ones only suggest it ("feels warm", "some redness") and make the bot ask.
Each row is a regex over normalised text (lower case, no accents).
"""

from __future__ import annotations

from bot.domain.triage_lexicon import Rule, rule
from bot.domain.triage_signs import Sign

_SITE = (
    r"(?:knees?|sites?|injection\s+site|area|spot|joint|shoulder|back|hips?|elbow|ankle|"
    r"wrist|leg|arm|foot|hand|neck|skin|tendon|heel|thigh|calf|shin|buttock|spine)"
)
_LIMB = (
    r"(?:legs?|arms?|foot|feet|hands?|fingers|toes|knees?|ankle|thigh|calf|shoulder|wrist|"
    r"grip|hip)"
)
# Words allowed between a body site and "hot" ("knee is red and hot"); never "not".
_LINK = (
    r"(?:is|are|was|feels?|feeling|felt|got|gets|getting|has\s+become|became|seems|looks|so|"
    r"very|really|super|quite|pretty|too|all|now|still|also|and|red|swollen|puffy|tender|"
    r"sore|kind\s+of|a\s+bit|bit|a\s+little|little|extremely|,)"
)
_FACE = r"(?:face|lips?|tongue|throat|eyes?|eyelids?|mouth|cheeks?)"
_NOT_A_SITE = (
    r"(?!\s+(?:shower|showers|bath|baths|water|pack|packs|compress|compresses|tea|coffee|"
    r"weather|day|days|tub|drink|drinks|flash|flashes|pad|pads|towel|towels|outside|"
    r"in\s+here|out\s+there|spring|springs|sauce|dog|dogs|chocolate|soup)\b)"
)

F, R, H, P = Sign.FEVER, Sign.SPREADING_REDNESS, Sign.HOT_SITE, Sign.PUS
W, S, N = Sign.WORSENING_AFTER_72H, Sign.SEVERE_SWELLING, Sign.NUMBNESS
A, C = Sign.ALLERGIC_REACTION, Sign.CHEST_PAIN

EN_RULES: tuple[Rule, ...] = (
    # fever (temperatures in figures are read by triage_text)
    rule(F, r"\bfevers?\b|\bfebrile\b"),
    rule(F, r"\bfeverish\b|\bhot\s+and\s+cold\b|\b(?:cold|night)\s+sweats?\b", doubtful=True),
    rule(F, r"\bchills\b|\bshiver(?:s|ing|y)?\b|\bshaking\s+chills\b|\brigou?rs\b", tag="chills"),
    rule(F, r"\bhigh\s+temp(?:erature)?\b"),
    rule(F, r"\b(?:have|has|had|got|running|run|with)\s+(?:a\s+)?(?:slight\s+)?temp(?:erature)?\b"
         r"(?!\s+(?:of\s+)?\d)", clause=True),
    rule(F, r"\b(?:i|i'm|i\s+am|i've)\s+(?:(?:feel|feeling|felt|am|been|so|very|really|a\s+bit|"
         r"bit|kind\s+of|a\s+little|little|all|getting|got)\s+){0,3}"
         r"(?:hot|warm|burning\s+up|boiling|clammy)\b", doubtful=True, clause=True),
    rule(F, r"\bfeel(?:ing)?\s+(?:(?:so|very|really|a\s+bit|bit|kind\s+of|a\s+little|little|all)"
         r"\s+){0,2}(?:hot|warm)\b|\bburning\s+up\b",
         doubtful=True, clause=True, yields_to=(H,)),
    # redness spreading or increasing
    rule(R, r"\bred\s+(?:streaks?|streaking|lines?|stripes?|tracks?|trails?)\b|\bstreak(?:s|ing|y)?\b"),
    rule(R, r"\bred(?:ness|dish|dened)?\s+(?:area\s+|patch\s+|mark\s+|spot\s+|circle\s+|ring\s+)?"
         r"(?:(?:is|are|has|have|been|keeps|keep|seems|now|already|started|starting|to|slowly|"
         r"quickly|fast|getting|gotten|got|and)\s+){0,3}(?:spreading|spread|growing|grown|bigger|"
         r"larger|wider|increasing|increased|expanding|expanded|moving|travell?ing|extending|"
         r"creeping|going\s+(?:up|down)(?=\s+(?:my|the|to|towards?|into|along|his|her|past)\b))\b",
         clause=True),
    rule(R, r"\bspreading\s+red(?:ness)?\b|\bredder\b|\bmore\s+red(?:ness)?\b|\b(?:getting|turning|"
         r"gone|went|going)\s+(?:more\s+)?red\b|\bincreasing\s+redness\b|\bredness\s+increas\w*"),
    rule(R, r"\bred(?:ness|dish|dened)?\b", doubtful=True),
    # hot to the touch
    rule(H, r"\b(?:hot|warm|heat)\s+(?:to|when\s+i)\s+(?:the\s+)?touch(?:ed|ing)?\b"),
    rule(H, rf"\b{_SITE}(?:'s|s)?\s+(?:{_LINK}\s*){{0,4}}(?:hot|boiling|burning\s+hot|on\s+fire)\b",
         clause=True),
    rule(H, rf"\bhot\s+(?:(?:and|red|swollen|puffy|,)\s*){{0,3}}{_SITE}\b|\bheat\s+(?:in|on|around|"
         rf"from|coming\s+from|at)\s+(?:the\s+|my\s+)?{_SITE}\b", clause=True),
    rule(H, r"\b(?:red|swollen|puffy)\s*(?:,|and)\s*hot\b|\bhot\s*(?:,|and)\s*(?:red|swollen)\b"),
    rule(H, r"\bit(?:'s|s|\s+is|\s+feels|\s+felt|\s+was)\s+(?:(?:so|very|really|a\s+bit|bit|kind\s+of|"
         rf"quite|pretty|super|too)\s+)?(?:hot|warm)\b{_NOT_A_SITE}", doubtful=True, clause=True),
    rule(H, r"\bwarm(?:th|er)?\b" + _NOT_A_SITE, doubtful=True, yields_to=(F,)),
    rule(H, r"\bhot(?:ter)?\b" + _NOT_A_SITE, doubtful=True, yields_to=(F,)),
    rule(H, r"\bburning\b(?!\s+up\b)", doubtful=True),
    # pus or discharge
    rule(P, r"\bpus\b|\bdischarg(?:e|es|ing)\b|\booz(?:e|es|ed|ing|y)\b|\bdrain(?:s|ing|age)\b"
         r"|\babscess\b|\bpurulent\b"),
    rule(P, r"\b(?:yellow(?:ish)?|green(?:ish)?|cloudy|milky|smelly|thick)\s+(?:fluid|liquid|stuff|"
         r"goo|gunk|crust|matter)\b"),
    rule(P, r"\b(?:fluid|liquid|stuff)\s+(?:(?:is|keeps|has\s+been|coming|came|leaking|leaks|"
         r"seeping|seeps)\s+){1,2}(?:out|from)\b", clause=True),
    rule(P, r"\bleak(?:s|ing|ed)?\b|\bseep(?:s|ing|ed)?\b|\bweep(?:s|ing|y)\b|\bsmells?\s+(?:bad|"
         r"funny|weird|off|awful)\b|\b(?:bad|foul)\s+smell(?:ing)?\b", doubtful=True),
    rule(Sign.SUSPECTED_INFECTION, r"\binfect(?:ed|ion|ions)\b", doubtful=True),
    rule(Sign.SUSPECTED_INFECTION, r"\bcellulitis\b|\bsepsis\b"),
    # getting worse (level depends on the hours since the injection)
    rule(W, r"\bworse(?:ning|ned|n)?\b"),
    rule(W, r"\b(?:hurts?|aches?|throbs?|throbbing)\s+(?:(?:a\s+lot|much|even|way|a\s+bit|"
         r"a\s+little)\s+)?more\b", clause=True),
    rule(W, r"\b(?:more|increasing|increased)\s+(?:pain|painful|swelling|swollen|soreness|stiff)\b"),
    rule(W, r"\b(?:pain|swelling|soreness|ache)\s+(?:(?:is|has|keeps|been|getting|got|kept)\s+){0,2}"
         r"(?:increasing|increased|building|growing|intensifying|going\s+up|getting\s+(?:stronger|"
         r"bigger))\b", clause=True),
    # swelling
    rule(S, r"\b(?:very|really|extremely|super|massively|hugely|badly|so|incredibly|severely|"
         r"seriously|too|way\s+too)\s+(?:swollen|puffy|swelled)\b"),
    rule(S, r"\b(?:severe|massive|huge|enormous|extreme|major|serious|tons\s+of)\s+swelling\b"
         r"|\bswelling\s+(?:(?:is|has|got|gotten|getting|now|really|very)\s+){0,2}(?:severe|huge|"
         r"massive|enormous|extreme|terrible|awful)\b"),
    rule(S, r"\b(?:twice|double)\s+(?:the|its|my|it's)\s+(?:normal\s+|usual\s+)?size\b|\bballooned\b"),
    rule(Sign.MODERATE_SWELLING, r"\b(?:quite|pretty|fairly|rather|moderately|noticeably|visibly)"
         r"\s+swollen\b|\bmoderate(?:ly)?\s+swell\w*|\bswelling\s+(?:is\s+)?moderate\b"
         r"|\b(?:a\s+lot\s+of|lots\s+of)\s+swelling\b"),
    # numbness, tingling, weakness
    rule(N, r"\bnumb(?:ness|ed)?\b|\btingl(?:e|es|ed|ing|y)\b|\bpins\s+(?:and|&|n)\s+needles\b"
         r"|\bweakness\b|\b(?:foot|wrist)\s+drop\b"),
    rule(N, rf"\b{_LIMB}\s+(?:(?:is|are|feels?|feeling|felt|got|getting|gets|so|very|really|"
         r"kind\s+of|a\s+bit|bit|quite|pretty|keeps|keep)\s+){0,3}(?:weak|weaker|dead|asleep|"
         r"falling\s+asleep|giving\s+(?:way|out)|gave\s+(?:way|out)|gives\s+(?:way|out)|"
         r"buckling|buckled)\b", clause=True),
    rule(N, r"\b(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to)\s+feel\b|\b(?:no|lost|losing|"
         r"loss\s+of|lack\s+of)\s+(?:the\s+)?(?:feeling|sensation|strength)\s+(?:in|on|of)\b",
         clause=True),
    rule(N, r"\bweak(?:er)?\b|\belectric(?:al)?\s+(?:shocks?|zaps?)\b", doubtful=True),
    # severe allergic reaction
    rule(A, r"\bhives?\b|\bwelts\b|\burticaria\b|\banaphyla\w*|\ballergic\s+reaction\b"),
    rule(A, r"\brash(?:es)?\s+(?:(?:is|are|has|that's|spreading|all)\s+){0,2}(?:all\s+over|"
         r"everywhere|over\s+my\s+(?:body|chest|arms|legs|face)|on\s+my\s+(?:body|chest|face|neck|"
         r"back|arms|stomach|belly))\b|\b(?:itchy|itching|itch)\s+(?:all\s+over|everywhere)\b"
         r"|\bitchy\s+rash\b|\bbody\s+rash\b"),
    rule(R, rf"\brash(?:es)?\s+(?:on|around|at|near|by|over)\s+(?:the\s+|my\s+|one\s+of\s+the\s+)?"
         rf"(?:{_SITE}|needle\s+marks?|injection)", doubtful=True),
    rule(A, r"\brash(?:es)?\b|\ballergic\b", doubtful=True, yields_to=(R,)),
    rule(A, rf"\b{_FACE}\s+(?:(?:is|are|feels?|feeling|got|gets|getting|has|have|been|started|"
         r"starting|to|all|so|very|really|a\s+bit|kind\s+of|and)\s+){0,3}(?:swollen|swelling|puffy|"
         r"puffed\s+up|swelled|swell|tight|tightening|closing|closed|constrict\w*)\b", clause=True),
    rule(A, r"\b(?:swollen|puffy|swelling\s+(?:of|in|on|around))\s+(?:(?:the|my|of|in|on|around)"
         rf"\s+){{0,2}}{_FACE}\b|\b(?:tight|closing)\s+throat\b"),
    rule(A, r"\b(?:can'?t|cannot|can\s+not|couldn'?t|could\s+not|unable\s+to|barely|hardly|"
         r"struggling\s+to|struggle\s+to|(?:hard|difficult)\s+(?:for\s+me\s+)?to)\s+(?:(?:really|properly|"
         r"even)\s+)?(?:breath(?:e|ing)?|swallow)\b",
         clause=True),
    rule(A, r"\b(?:trouble|difficulty|difficulties|problems?|issues?|hard\s+time|struggling|"
         r"struggle|pain)\s+(?:with\s+|to\s+|when\s+)?(?:breath(?:e|ing)|swallow(?:ing)?)\b"),
    rule(A, r"\bbreathing\s+(?:(?:is|feels|has\s+been|got|getting)\s+){0,2}(?:hard|difficult|"
         r"labou?red|strained|tight|noisy)\b|\b(?:labou?red|shallow)\s+breathing\b|\bwheez\w*"
         r"|\bgasping\b", clause=True),
    # chest pain or shortness of breath
    rule(C, r"\bchest\s+(?:pains?|hurts?|hurting|aches?|aching|tight(?:ness)?|pressure|discomfort|"
         r"(?:feels|is)\s+(?:tight|hurting|sore|heavy))\b|\b(?:pain|pressure|tightness|ache|"
         r"discomfort|heaviness)\s+(?:in|on|across)\s+(?:my\s+|the\s+)?chest\b|\btight\s+chest\b"
         r"|\bheart\s+attack\b"),
    rule(C, r"\bshort(?:ness)?\s+(?:of\s+)?breathe?\b|\bout\s+of\s+breath\b|\bbreathless(?:ness)?\b"
         r"|\bcan'?t\s+catch\s+my\s+breathe?\b|\bwinded\b"),
    # soreness not easing
    rule(Sign.NOT_EASING, r"\b(?:not|isn't|is\s+not|hasn't|has\s+not|no)\s+(?:(?:been|really|getting|"
         r"gotten|got|any|much|at\s+all)\s+){0,2}(?:better|improving|improved|easing|eased|settling|"
         r"settled|subsiding|going\s+down)\b|\bno\s+(?:improvement|change|difference)\b"
         r"|\b(?:won't|doesn't|does\s+not|will\s+not|not)\s+go(?:ing)?\s+away\b"
         r"|\bstill\s+(?:just\s+)?(?:as\s+bad|the\s+same|as\s+sore|as\s+painful)\b"
         r"|\bsame\s+as\s+(?:yesterday|before|day\s+one|the\s+first\s+day)\b", clause=True),
)
