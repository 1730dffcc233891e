"""English wordings of the docs/CLINICAL.md signs (one table, read top to bottom).

Definite rules name the sign ("pus", "red streaks", "can't breathe"); doubtful
ones only suggest it ("feels warm", "some redness") and make the bot ask.
Each row is a regex over normalised text (lower case, no accents).
"""

from __future__ import annotations

from bot.domain.triage_lexicon import Rule, rule
from bot.domain.triage_signs import Sign

_SITE = (
    r"(?:knees?|sites?|injection\s+site|area|spot|joint|shoulder|back|hips?|elbow|ankle|"
    r"wrist|leg|arm|foot|hand|neck|skin|tendon|heel|thigh|calf|shin|buttock|spine|needle\s+marks?|"
    r"puncture(?:\s+marks?)?|injections?|jabs?|shots?|wound|dressing|plaster|bandage|kneecap)"
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
    r"in\s+here|out\s+there|spring|springs|sauce|dog|dogs|chocolate|soup|out|outside|summer|sun|"
    r"in\s+the\s+sun)\b)"
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
    rule(H, rf"\b{_SITE}(?:'s|s)?\s+(?:{_LINK}\s*){{0,4}}(?:hot|boiling|burning\s+hot|on\s+fire|roasting|scorching|"
         r"baking|toasty|like\s+(?:a|an)\s+(?:furnace|radiator|oven|heater))\b",
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
    rule(W, r"\b(?:more|increasing|increased)\s+(?:pain|painful|swelling|swollen|soreness|stiff|sore|tender|achy)\b"
         r"(?!\s+than\s+(?:i\s+)?(?:expected|thought|i\s+expected|normal|usual))"),
    rule(W, r"\b(?:pain|swelling|soreness|ache)\s+(?:(?:is|has|keeps|been|getting|got|kept)\s+){0,2}"
         r"(?:increasing|increased|building|growing|intensifying|going\s+up|getting\s+(?:stronger|"
         r"bigger)|bigger|larger|worse)\b", clause=True),
    # swelling
    rule(S, r"\b(?:very|really|extremely|super|massively|hugely|badly|so|incredibly|severely|"
         r"seriously|too|way\s+too)\s+(?:swollen|puffy|swelled)\b"),
    rule(S, r"\b(?:severe|massive|huge|enormous|extreme|major|serious|tons\s+of)\s+swelling\b"
         r"|\bswelling\s+(?:(?:is|has|got|gotten|getting|now|really|very)\s+){0,2}(?:severe|huge|"
         r"massive|enormous|extreme|terrible|awful)\b"),
    rule(S, r"\b(?:twice|double)\s+(?:the|its|my|it's)\s+(?:normal\s+|usual\s+)?size\b|\bballooned\b",
         yields_to=(A,)),
    rule(Sign.MODERATE_SWELLING, r"\b(?:quite|pretty|fairly|rather|moderately|noticeably|visibly)"
         r"\s+swollen\b|\bmoderate(?:ly)?\s+swell\w*|\bswelling\s+(?:is\s+)?moderate\b"
         r"|\b(?:a\s+lot\s+of|lots\s+of)\s+swelling\b|\bmore\s+swollen\s+than\s+(?:i\s+)?(?:expected|thought|"
         r"normal|usual)\b", yields_to=(A,)),
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
    rule(A, rf"\b{_FACE}\s+(?:(?:is|are|feels?|feeling|got|gets|getting|has|have|been|started|gone|going|went|turned|"
         r"starting|to|all|so|very|really|a\s+bit|kind\s+of|and)\s+){0,3}(?:swollen|swelling|puffy|"
         r"puffed\s+up|swelled|swell|tight|tightening|closing|closed|constrict\w*)\b", clause=True),
    rule(A, r"\b(?:swollen|puffy|swelling\s+(?:of|in|on|around))\s+(?:(?:the|my|of|in|on|around)"
         rf"\s+){{0,2}}{_FACE}\b|\b(?:tight|closing)\s+throat\b"),
    rule(A, r"\b(?:can'?t|cannot|can\s+not|couldn'?t|could\s+not|unable\s+to|barely|hardly|"
         r"struggling\s+to|struggle\s+to|(?:hard|difficult)\s+(?:for\s+(?:me|him|her)\s+)?to)\s+(?:(?:really|properly|"
         r"even)\s+)?(?:breath(?:e|ing)?|swallow)\b",
         clause=True, tag="breathing"),
    rule(A, r"\b(?:trouble|difficulty|difficulties|problems?|issues?|hard\s+time|struggling|"
         r"struggle|pain)\s+(?:with\s+|to\s+|when\s+)?(?:breath(?:e|ing)|swallow(?:ing)?)\b", tag="breathing"),
    rule(A, r"\bbreathing\s+(?:(?:is|feels|has\s+been|got|getting)\s+){0,2}(?:hard|difficult|"
         r"labou?red|strained|tight|noisy)\b|\b(?:labou?red|shallow)\s+breathing\b|\bwheez\w*"
         r"|\bgasping\b", clause=True, tag="breathing"),
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
         r"|\bsame\s+as\s+(?:yesterday|day\s+one|the\s+first\s+day)\b", clause=True),
    # fainting, collapse, loss of consciousness (emergency); about to faint alone is dizziness
    rule(Sign.FAINTING, r"(?<!almost\s)(?<!nearly\s)\b(?:fainted|fainting|faints|passed\s+out|passing\s+out|"
         r"passes\s+out|"
         r"blacked\s+out|blacking\s+out|black\s*outs?|keeled\s+over|lost\s+consciousness|los(?:e|ing)\s+"
         r"consciousness|unconscious|out\s+cold|syncope|(?:woke|came\s+to)\s+(?:up\s+)?on\s+the\s+floor|"
         r"(?:dropped|went)\s+(?:down\s+)?(?:to\s+the\s+floor|limp)|(?:went|gone)\s+unresponsive|"
         r"unresponsive|(?:everything|it\s+all|the\s+world)\s+went\s+(?:black|dark)|next\s+thing\s+i\s+(?:was|knew)|"
         r"(?:woke|came\s+to|came\s+round|found\s+myself)\s+(?:up\s+)?(?:on|in)\s+the\s+(?:\w+\s+)?(?:floor|"
         r"ground))\b"),
    rule(Sign.FAINTING, r"\b(?:fell|collapsed|dropped|slumped)\s+(?:down\s+)?(?:on|onto|to)\s+the\s+(?:\w+\s+)?"
         r"(?:floor|ground)\b", doubtful=True),
    rule(Sign.FAINTING, r"(?<!knee\s)(?<!knees\s)(?<!leg\s)(?<!legs\s)(?<!joint\s)\bcollaps(?:e|ed|es|ing)\b"),
    rule(Sign.DIZZINESS, r"\b(?:feel(?:s|ing)?|felt|going|getting)\s+(?:(?:really|very|so|a\s+bit|kind\s+of|kinda|"
         r"a\s+little|quite)\s+)?faint(?:ish)?\b|\b(?:about|going)\s+to\s+(?:faint|pass\s+out|black\s+out|"
         r"collapse)\b|\bgonna\s+(?:faint|pass\s+out|black\s+out)\b|\b(?:almost|nearly)\s+(?:fainted|passed\s+out|"
         r"blacked\s+out|collapsed|fainting)\b|\bmight\s+(?:faint|pass\s+out)\b|\bvision\s+(?:is\s+)?(?:going|went|"
         r"goes)\s+(?:black|dark|grey|gray|blurry)\b|\b(?:almost|nearly)\s+(?:blacking|passing)\s+out\b",
         tag="near_faint", clause=True),
    rule(Sign.DIZZINESS, r"\bdizz(?:y|iness|ie)\b|\blight[\s-]?headed(?:ness)?\b|\bwoozy\b|\bvertigo\b|\b(?:room|"
         r"everything|head)\s+(?:is\s+|keeps\s+)?spinning\b|\bunsteady\b|\bgiddy\b|\bspinny\b"),
    rule(Sign.RACING_HEART, r"\bheart\s+(?:(?:is|was|keeps|been|has\s+been)\s+)?(?:racing|pounding|thumping|"
         r"hammering|fluttering|skipping|beating\s+(?:really\s+|so\s+|very\s+)?(?:fast|hard|like\s+crazy)|going\s+"
         r"(?:crazy|like\s+mad|(?:really\s+|so\s+|very\s+)?fast))\b|\bpalpitations?\b|\b(?:racing|"
         r"pounding)\s+heart(?:beat)?\b"
         r"|\btachycardi\w*|\bheart\s+rate\s+(?:is\s+)?(?:really\s+)?(?:high|fast|through\s+the\s+roof)\b",
         clause=True),
    # throat and tongue, in every wording (emergency)
    rule(A, r"\b(?:tongue|throat|lips?)(?:'s)?\s+(?:(?:feels?|is|are|was|getting|got|gone|going|has|have|been|so|very|"
         r"really|all|kind\s+of|kinda|sort\s+of|a\s+bit|like\s+it'?s|and)\s+){0,3}(?:thick|thicker|fat|fatter|big|"
         r"bigger|huge|massive|enormous|giant|"
         r"heavy|closing(?:\s+up)?|closed|narrow(?:ing)?|blocked|swelling\s+up|swollen\s+up|puffing\s+up|puffed"
         r"(?:\s+up)?|enlarged|constricted|tight(?:ening|er)?|numb|tingly|tingling|burning)\b", clause=True),
    rule(A, r"\b(?:lump|tightness|pressure|swelling|squeez\w*|closing)\s+in\s+(?:my\s+|the\s+)?throat\b|\bthroat"
         r"\s+(?:is\s+)?(?:shutting|closing)\b|\b(?:swollen|thick|fat|puffy)\s+(?:tongue|throat|lips?)\b"
         r"|\b(?:tongue|throat|lip)\s+swelling\b|\b(?:throat|tongue|lips?|face|eyes?)\s+(?:(?:ever|starts?|"
         r"starting|begins?|began|started)\s+(?:to\s+)?)?(?:swell(?:s|ing)?|swelled)(?:\s+(?:up|shut))?\b"),
    # bruise that keeps growing, and a vague worry (watch)
    rule(Sign.GROWING_BRUISE, r"\bbruis(?:e|es|ing)\s+(?:(?:is|are|has|have|keeps|keep|been|getting|got|gotten|"
         r"seems|now|just|still|and|spreading|kept)\s+){0,3}(?:growing|grown|grows|bigger|larger|spreading|spread|"
         r"spreads|expanding|increasing|getting\s+(?:bigger|larger|worse))\b|\b(?:growing|spreading|expanding|"
         r"bigger|larger)\s+bruis\w*|\b(?:purple|dark|black\s+and\s+blue|blue|bluish)\s+(?:patch|mark|area|spot|"
         r"blotch)\s+(?:(?:is|keeps|has|been|getting|got)\s+){0,2}(?:growing|grown|bigger|larger|spreading)\b",
         clause=True),
    rule(Sign.VAGUE_WORRY, r"\bsomething\s+(?:(?:is|feels|seems|just)\s+)?(?:not|isn't|doesn't\s+feel|doesn't\s+seem)"
         r"\s+(?:right|ok|okay|normal)\b|\bsomething(?:'s|\s+is)?\s+(?:wrong|off|not\s+right)\b|\b(?:worried|"
         r"scared|concerned|anxious|nervous|frightened|afraid|uneasy|freaking\s+out|panicking|panicky|worrying)\b"
         r"|\bworr(?:ies|ying)\s+me\b|\b(?:don't|do\s+not|doesn't|not)\s+feel(?:ing)?\s+(?:right|normal|myself|"
         r"well|good)\b|\bfeel(?:ing|s)?\s+(?:(?:really|so|very|a\s+bit|kind\s+of)\s+)?(?:off|weird|strange|"
         r"funny|unwell|ill|sick|awful|terrible|rough|crap|crappy|lousy|poorly|rubbish|run\s+down|shivery|"
         r"like\s+(?:crap|death|rubbish))\b|\bunwell\b|\bdoesn't\s+seem\s+right\b|\bnot\s+(?:myself|feeling\s+"
         r"myself)\b|\b(?:achy|aching|aches)\s+all\s+over\b|\bbody\s+aches?\b|\bflu[\s-]?like\b|\bnot\s+(?:really\s+)?"
         r"sure\s+(?:if\s+|whether\s+)?(?:this|it|that)(?:'s|\s+is)\s+(?:normal|ok|okay|right)\b", clause=True),
    # swelling by size, slang and misspelling
    rule(S, r"\b(?:big|huge|large|swollen|size|bigger)\s+(?:as|of|than)\s+(?:a|an)\s+(?:(?:small|little|big)\s+)?"
         r"(?:grapefruit|melon|cantaloupe|watermelon|orange|softball|baseball|football|balloon|tennis\s+ball|"
         r"coconut|pumpkin|cricket\s+ball|basketball)\b|\b(?:like|into)\s+(?:a|an)\s+(?:balloon|grapefruit|melon|"
         r"football|softball|basketball|watermelon|elephant'?s?\s+\w+)\b|\b(?:blown|blew|swelled|swollen|"
         r"ballooned|puffed)\s+up\s+like\b|\b(?:massive|huge|enormous|giant|ginormous|humongous|gigantic)\s+"
         r"(?:knee|joint|lump|bump|ankle|shoulder|elbow|wrist)\b|\bswollen\s+like\s+(?:crazy|mad|hell)\b"
         r"|\b(?:knee|joint|ankle|shoulder|elbow|wrist)\s+(?:(?:is|looks|got|has\s+gotten|gone|so|really)\s+){1,2}"
         r"(?:massive|huge|enormous|gigantic|ginormous)\b|\bblown\s+up\b|\bso\s+swollen\s+i\s+can'?t\b",
         yields_to=(A,)),
    rule(Sign.MODERATE_SWELLING, r"\bswollen\s+(?:up\s+)?(?:a\s+lot|loads|lots|quite\s+a\s+bit|heaps|a\s+fair\s+bit)\b"
         r"|\b(?:size\s+of|big\s+as|like)\s+(?:a|an)\s+(?:golf\s+ball|egg|walnut|plum|lime|ping\s+pong\s+ball|"
         r"grape|marble|lemon)\b|\bpuffy\s+(?:round|around|at|near|on)\s+(?:the\s+|my\s+)?"
         rf"{_SITE}|\b{_SITE}\s+(?:(?:is|looks|feels|a\s+good\s+bit|quite|pretty|a\s+bit)\s+){{1,3}}puffy\b",
         yields_to=(A,)),
    # soreness still strong a week on (watch); the figures are read by triage_numbers
    rule(Sign.SORENESS_DAY7, r"\b(?:a\s+week|7\s+days|seven\s+days|over\s+a\s+week|more\s+than\s+a\s+week|10\s+days|"
         r"ten\s+days|two\s+weeks|2\s+weeks)\s+(?:on|later|after|since|in)\b[^.!?]{0,40}\b(?:still|really|very|so|"
         r"badly|super)\b[^.!?]{0,15}\b(?:sore|pain(?:ful)?|hurts?|hurting|aching|aches|tender)\b"
         r"|\b(?:still|really|very|so)\s+(?:really\s+|very\s+|so\s+)?(?:sore|painful|hurting|tender)\b[^.!?]{0,30}"
         r"\b(?:a\s+week|7\s+days|seven\s+days|over\s+a\s+week|10\s+days|two\s+weeks)\s+(?:on|later|after)\b",
         clause=True),
    # more wordings seen in patient messages
    rule(A, r"\b(?:face|lips?|eyes?|eyelids?|tongue|throat|cheeks?)\s+(?:(?:is|are|was|has|have|been|all|now|started|"
         r"starting)\s+){0,2}(?:puffing|puffed|swelling|blowing)\s+up\b|\bpuffing\s+up\s+(?:around|"
         r"round)\s+(?:my\s+|the\s+)?"
         r"(?:eyes|lips|mouth)\b"),
    rule(Sign.RACING_HEART, r"\bheart(?:'s|s)\s+(?:(?:is|was|really|so)\s+)?(?:racing|pounding|thumping|hammering|"
         r"going\s+(?:so\s+|really\s+)?fast)\b", clause=True),
    rule(N, r"\b(?:has|have|had|got)\s+no\s+(?:strength|feeling|grip|power)\b|\bno\s+(?:strength|grip|"
         r"power)\s+(?:in|left)\b"
         r"|\b(?:can'?t|cannot|unable\s+to|couldn'?t)\s+(?:hold|grip|lift|grab|squeeze)\s+(?:a|my|the|anything|onto)\b",
         clause=True),
    rule(Sign.DIZZINESS, r"\b(?:room|everything|head|world)\s+(?:is\s+|keeps\s+)?spins?\b"),
    rule(Sign.GROWING_BRUISE, r"\bbruis(?:e|es|ing)\b[^.!?,]{0,25}?\b(?:is|are|has|keeps|"
         r"been)\s+(?:still\s+)?(?:growing|"
         r"spreading|getting\s+bigger|expanding)\b", clause=True),
    rule(Sign.VAGUE_WORRY, r"\bfeel(?:ing|s)?\s+(?:(?:really|so|very|a\s+bit|kind\s+of|kinda|"
         r"all)\s+)?(?:achy|crummy|yucky|"
         r"grotty|gross|meh|under\s+the\s+weather|out\s+of\s+sorts)\b|\bunder\s+the\s+weather\b", clause=True),
    rule(W, r"\b(?:bigger|larger|worse|more\s+swollen|more\s+painful|puffier|redder)\s+again\b"),
    rule(S, r"\bcan'?t\s+(?:get|fit|put)\s+(?:my\s+|a\s+)?(?:shoe|shoes|jeans|trousers|pants|boot|boots|sleeve|sock)\b",
         yields_to=(A,)),
    rule(C, r"\b(?:pain|pressure|tightness|ache|heaviness|squeezing|crushing)\s+(?:\w+\s+){0,4}?(?:in|on|across)\s+"
         r"(?:the\s+)?(?:middle\s+of\s+|centre\s+of\s+|center\s+of\s+)?(?:my\s+|the\s+)?chest\b|"
         r"\bchest\s+(?:has|is|got|"
         r"feels|went|gone|going|getting)\s+(?:gone\s+|all\s+|really\s+|so\s+)?(?:tight|heavy|crushing)\b|"
         r"\b(?:crushing|"
         r"squeezing)\s+(?:\w+\s+){0,2}chest\b|\bsomeone\s+(?:is\s+)?sitting\s+on\s+my\s+chest\b|\bpain\s+(?:going\s+)?"
         r"down\s+my\s+left\s+arm\b"),
    rule(A, r"\b(?:throat|tongue|lips?)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,24}?\b(?:closing|swelling|swollen|tight|tightening|shutting)\b",
         clause=True),
    rule(Sign.GROWING_BRUISE, r"\bbruis\w*\b(?:(?!\bbut\b)[^.!?]){0,60}?\b(?:spreading|growing|getting\s+bigger|"
         r"bigger\s+(?:each|every)|larger\s+(?:each|every))\b", clause=True),
    # indirect wordings: the mouth, the breath, the skin all over, the vision going
    rule(A, r"\b(?:mouth|lips?|tongue|throat|face|eyelids?)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,25}?\b(?:puffy|fat|fatter|thick|too\s+big|"
         r"swollen|swelling|huge|massive|numb|tingly|tingling)\b", clause=True),
    rule(A, r"\b(?:mouth|lips?|tongue|throat|voice)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,25}?\b(?:weird|funny|strange|odd|hoarse|croaky)\b",
         doubtful=True, clause=True),
    rule(A, r"\b(?:isn'?t|is\s+not|aren'?t|not)\s+(?:swollen|puffy)\s*,?\s+but\s+(?:my\s+|the\s+)?(?:face|lips?|tongue|"
         r"throat|eyes?|eyelids?|mouth)\s+(?:are|is)\b"),
    rule(A, r"\b(?:can'?t|cannot|unable\s+to|couldn'?t|struggling\s+to|hard\s+to|trouble|not\s+able\s+to)\s+(?:get|"
         r"take|catch|draw|getting|taking)\s+(?:a\s+)?(?:full\s+|deep\s+|proper\s+|enough\s+)?(?:breath|air)\b"
         r"|\b(?:not|no|can'?t)\s+breath(?:e|ing)?\s+(?:good|well|right|properly)\b|\bhard\s+(?:to\s+)?take\s+"
         r"(?:the\s+)?air\b|\bgasping\s+for\s+(?:air|breath)\b", clause=True, tag="breathing"),
    rule(A, r"\b(?:bumps|welts|lumps|spots|blotches)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,45}?\b(?:everywhere|all\s+over)\b|\bitch(?:y|"
         r"ing)\s+as\s+hell"
         r"\s+all\s+over\b|\bitch(?:y|ing)\b[^.!?]{0,20}?\beverywhere\b", clause=True),
    rule(Sign.DIZZINESS, r"\b(?:everything|it\s+all|vision|eyes?)\s+(?:went|going|goes|gone|turned)\s+(?:grey|gray|"
         r"black|dark|fuzzy|blurry|white)\b|\b(?:grab|grabbed|hold|held)\s+(?:onto\s+)?(?:the\s+)?(?:counter|wall|"
         r"table|chair|rail)\b|\bnearly\s+(?:went|go)\s+down\b|\bdidn'?t\s+go\s+down\b", tag="near_faint", clause=True),
    rule(Sign.DIZZINESS, r"\b(?:room|everything|head|world)\s+(?:spun|was\s+spinning|started\s+spinning)\b"),
    rule(Sign.VAGUE_WORRY, r"\bfeel(?:ing|s)?\s+(?:pretty|quite|super|rather|a\s+little|really\s+)\s*(?:rough|awful|"
         r"rubbish|terrible|crap|unwell|ill|off|sick|lousy|poorly|run\s+down)\b", clause=True),
    # safety net by body zone: the chest, the face, the mouth, in any wording
    rule(C, r"\bchest\b(?!\s+of\s+drawers)(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,30}?\b(?:pain|pains|hurts?|hurting|sharp|stabbing|"
         r"squeez\w*|tight\w*|"
         r"pressure|heavy|heaviness|crush\w*|burning|sitting\s+on|weight|ache|aching)\b|\b(?:pain|pains|hurts?|sharp|"
         r"stabbing|squeez\w*|tightness|pressure|heaviness|crushing|ache)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,30}?\bchest\b(?!\s+of\s+drawers)"
         r"|\belephant\b[^.!?]{0,20}\bchest\b", clause=True),
    rule(A, r"\b(?:face|lips?|eyes?|eyelids?|tongue)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,20}?\b(?:blew\s+up|blown\s+up|ballooned|like\s+a\s+duck|"
         r"puffed\s+up|swelled(?:\s+up)?|swelling\s+shut)\b|\bduck\s+lips\b", clause=True),
    rule(Sign.DIZZINESS, r"\b(?:about|going|gonna)\s+to\s+keel\s+over\b|"
         r"\bkeeling\s+over\b", tag="near_faint", clause=True),
    rule(Sign.RACING_HEART, r"\bheart(?:'s|s)?\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,15}?\b(?:like\s+the\s+clappers|like\s+a\s+drum|"
         r"out\s+of\s+my\s+chest|"
         r"like\s+mad|like\s+crazy)\b", clause=True),
    rule(F, r"\bteeth\s+(?:are\s+|keep\s+|were\s+)?chattering\b|\bcan'?t\s+stop\s+shaking\b", tag="chills"),
    rule(P, r"\b(?:white|yellow)\s*heads?\b|\blike\s+a\s+(?:pimple|spot|zit|boil)\b|\bpimple\b", doubtful=True),
    rule(R, r"\b(?:gone|spread|spreading|went|past|beyond|outside)\s+(?:well\s+|way\s+)?(?:past|beyond|over|"
         r"outside)?\s*"
         r"the\s+(?:pen\s+|biro\s+|marker\s+)?line\b"),
    rule(Sign.MODERATE_SWELLING, r"\bswelling(?:'s|\s+is)\s+(?:\w+\s+)?moderate\b|\bmoderate(?:ly)?\s+swollen\b",
         yields_to=(A,)),
)
