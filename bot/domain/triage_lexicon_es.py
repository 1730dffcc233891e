"""Spanish wordings of the CLINICAL.md signs (same shape as ``triage_lexicon_en``).

Written without accents (text is normalised first), and with the common
spellings patients use: ``hinchado``/``inchado``, ``hormigueo``/``hormigeo``
are folded by the typo table and edit-distance correction before matching.
"""

from __future__ import annotations

from bot.domain.triage_lexicon import Rule, rule
from bot.domain.triage_signs import Sign

_SITE = (
    r"(?:rodillas?|zona|sitio|area|hombro|espalda|cadera|codo|tobillo|muneca|pierna|brazo|pie|"
    r"mano|cuello|piel|lugar|pinchazo|inyeccion|talon|muslo|gemelo|tendon|articulacion)"
)
_LIMB = r"(?:piernas?|brazos?|pies?|manos?|dedos|rodillas?|tobillo|muslo|gemelo|hombro|muneca)"
_LINK = (
    r"(?:esta|estan|la|el|mi|se|siento|siente|noto|nota|muy|super|bastante|un\s+poco|algo|toda|"
    r"todo|y|roja|rojo|hinchada|hinchado|me|ha|puesto|pone|poniendo|sigue|como|,)"
)
_FACE = r"(?:cara|labios?|lengua|garganta|ojos|parpados|boca)"
_SWOLLEN = r"(?:hinchad|inflamad)[oa]s?"

F, R, H, P = Sign.FEVER, Sign.SPREADING_REDNESS, Sign.HOT_SITE, Sign.PUS
W, S, N = Sign.WORSENING_AFTER_72H, Sign.SEVERE_SWELLING, Sign.NUMBNESS
A, C = Sign.ALLERGIC_REACTION, Sign.CHEST_PAIN

ES_RULES: tuple[Rule, ...] = (
    # fiebre
    rule(F, r"\bfiebres?\b|\bcalentura\b|\bfebril\b|\btemperatura\s+(?:alta|elevada)\b"),
    rule(F, r"\b(?:tengo|tiene|con|algo\s+de|un\s+poco\s+de)\s+temperatura\b(?!\s+(?:de\s+)?\d)",
         clause=True),
    rule(F, r"\bescalofrios?\b|\btiritando\b|\btirito\b|\btiritona\b", tag="chills"),
    rule(F, r"\bfebricula\b|\bsudores?\s+(?:frios|nocturnos)\b", doubtful=True),
    rule(F, r"\b(?:me\s+siento|estoy|siento|noto)\s+(?:(?:muy|un\s+poco|algo|bastante|como)\s+)?"
         r"(?:caliente|acalorad[oa]|afiebrad[oa]|destemplad[oa]|calenturient[oa])\b"
         r"|\btengo\s+(?:(?:mucho|un\s+poco\s+de|algo\s+de)\s+)?calor\b(?!\s+en\b)",
         doubtful=True, clause=True),
    # enrojecimiento que se extiende
    rule(R, r"\b(?:lineas?|rayas?|vetas?|estrias?|franjas?)\s+roj(?:as?|os?)\b"
         r"|\broj(?:as?|os?)\s+(?:lineas?|rayas?)\b"),
    rule(R, r"\b(?:enrojecimiento|rojez|rojo|roja|mancha\s+roja|zona\s+roja|enrojecid[oa])\s+"
         r"(?:(?:que|se|esta|va|sigue|cada\s+vez|mas|ha|me|y)\s+){0,3}(?:extiende|extendiendo|"
         r"extendido|expande|expandiendo|crece|creciendo|crecido|aumenta|aumentando|aumentado|"
         r"agranda|agrandando|mas\s+grande|avanza|avanzando|sube|subiendo|baja\s+por|"
         r"bajando\s+por)\b", clause=True),
    rule(R, r"\b(?:se\s+)?(?:extiende|esta\s+extendiendo)\s+(?:el\s+|la\s+)?(?:enrojecimiento|rojez|"
         r"rojo)\b|\b(?:mas|cada\s+vez\s+mas)\s+(?:roj[oa]s?|enrojecid[oa])\b|\bse\s+(?:esta\s+)?"
         r"(?:poniendo|pone|puso|ha\s+puesto)\s+(?:muy\s+)?roj[oa]\b", clause=True),
    rule(R, r"\b(?:roj[oa]s?|rojez|rojiz[oa]s?|enrojecid[oa]s?|enrojecimiento|colorad[oa])\b",
         doubtful=True),
    # caliente al tacto
    rule(H, r"\bcaliente\s+al\s+(?:tacto|tocar)\b|\b(?:quema|arde)\s+al\s+(?:tacto|tocar)\b"),
    rule(H, rf"\b{_SITE}\s+(?:{_LINK}\s*){{0,4}}(?:caliente|calientes|ardiendo|hirviendo)\b",
         clause=True),
    rule(H, r"\b(?:esta|estan|la\s+siento|lo\s+siento|la\s+noto|lo\s+noto|se\s+siente|se\s+nota)\s+"
         r"(?:(?:muy|bastante|super)\s+)?caliente\b"
         rf"|\b(?:calor|ardor)\s+en\s+(?:la\s+|el\s+|mi\s+)?{_SITE}\b"
         rf"|\b{_SITE}\s+(?:con|tiene)\s+calor\b", clause=True),
    rule(H, r"\bcaliente\b|\btibi[oa]\b", doubtful=True, yields_to=(F,)),
    rule(H, r"\bardor\b|\barde\b|\bme\s+quema\b", doubtful=True),
    # pus o supuracion
    rule(P, r"\bpus\b|\bsupura\w*|\bsecrecion(?:es)?\b|\bexuda\w*|\bpurulent[oa]\b|\bgotea\b"
         r"|\brezuma\b"),
    rule(P, r"\b(?:sale|salen|saliendo|salio|echa|bota|suelta)\s+(?:(?:un|una|algo|de|como|"
         r"un\s+poco\s+de|mucho)\s+){0,2}(?:liquido|pus|agua|sustancia|flujo|liquidillo)\b"
         r"|\bliquido\s+(?:amarill\w*|verd\w*|turbio|blanc\w*|espeso)\b", clause=True),
    rule(P, r"\bmal\s+olor\b|\bhuele\s+mal\b|\bapesta\b", doubtful=True),
    rule(Sign.SUSPECTED_INFECTION, r"\binfect(?:ad[oa]s?|o|a|ando|arse)\b|\binfecci?on(?:es)?\b",
         doubtful=True),
    rule(Sign.SUSPECTED_INFECTION, r"\bcelulitis\b"),
    # empeora
    rule(W, r"\bpeor(?:es)?\b|\bempeor\w*"),
    rule(W, r"\b(?:mas|cada\s+vez\s+mas)\s+(?:dolor|doloros[oa]|hinchad[oa]|hinchazon|inflamad[oa]|"
         r"inflamacion)\b|\b(?:duele|molesta)\s+(?:(?:mucho|cada\s+vez|aun|todavia|incluso)\s+)?mas\b"),
    rule(W, r"\b(?:dolor|hinchazon|inflamacion)\s+(?:(?:esta|va|ha|sigue|se)\s+){0,2}(?:aumentando|"
         r"aumenta|aumentado|creciendo|crece|empeorando|subiendo)\b", clause=True),
    # hinchazon
    rule(S, rf"\b(?:muy|super|demasiado|exageradamente|tremendamente|extremadamente)\s+{_SWOLLEN}\b"
         r"|\bhinchadisim[oa]s?\b|\b(?:hinchazon|inflamacion)\s+(?:(?:es|muy|esta)\s+){0,2}"
         r"(?:severa|grave|enorme|tremenda|exagerada|muy\s+grande)\b|\b(?:muchisima|enorme|"
         r"tremenda|gran|severa|grave)\s+(?:hinchazon|inflamacion)\b|\bdoble\s+de\s+(?:su\s+)?"
         r"(?:tamano|grande)\b"),
    rule(Sign.MODERATE_SWELLING, rf"\bbastante\s+{_SWOLLEN}\b|\b(?:hinchazon|inflamacion)\s+"
         r"(?:es\s+)?moderada\b|\bmucha\s+(?:hinchazon|inflamacion)\b"),
    # entumecimiento, hormigueo, debilidad
    rule(N, r"\bentumec\w*|\bentumid[oa]s?\b|\badormec\w*|\badormid[oa]s?\b|\bhormigue\w*"
         r"|\bhormigas\b|\bcosquilleo\b|\bdebilidad\b"),
    rule(N, rf"\b{_LIMB}\s+(?:(?:se\s+me|esta|como|muy)\s+){{0,2}}(?:dormid[oa]s?|muert[oa]s?)\b"
         r"|\bse\s+me\s+(?:duerme|durmio|duermen|durmieron|queda\s+dormid[oa])\b", clause=True),
    rule(N, r"\b(?:sin|perdi|perdida\s+de|pierdo|no\s+tengo)\s+(?:(?:la|el|mi)\s+)?fuerza\b"
         rf"|\bno\s+(?:siento|noto|puedo\s+sentir)\s+(?:(?:la|el|los|las|mi|mis|nada|en|bien)\s+)"
         rf"{{0,3}}{_LIMB}\b|\bno\s+puedo\s+sentir\b|\bperdida\s+de\s+(?:sensibilidad|sensacion)\b"
         r"|\bsin\s+sensibilidad\b", clause=True),
    rule(N, r"\bdebil(?:es)?\b", doubtful=True),
    # reaccion alergica grave
    rule(A, r"\burticaria\b|\bronchas?\b|\bhabones\b|\breaccion\s+alergica\b|\banafila\w*"),
    rule(A, r"\b(?:sarpullido|salpullido|erupcion|ronchas|granitos|manchas)\s+(?:(?:por|en)\s+)?"
         r"(?:todo\s+el\s+cuerpo|todas\s+partes|todo\s+el\s+pecho|toda\s+la\s+cara)\b"
         r"|\b(?:picor|picazon|comezon)\s+(?:por|en)\s+todo\b|\bme\s+pica\s+todo\b"),
    rule(R, r"\b(?:sarpullido|salpullido|erupcion|ronchita)\s+(?:en|alrededor\s+del?|cerca\s+del?)\s+"
         rf"(?:la\s+|el\s+|mi\s+)?(?:{_SITE})\b", doubtful=True),
    rule(A, r"\bsarpullido\b|\bsalpullido\b|\berupcion\b|\balergi\w*", doubtful=True,
         yields_to=(R,)),
    rule(A, rf"\b(?:hinchazon|inflamacion)\s+(?:de|en)\s+(?:la\s+|los\s+|el\s+|mi\s+|mis\s+)?{_FACE}\b"
         rf"|\b{_FACE}\s+(?:(?:muy|esta|estan|se\s+me\s+esta|se\s+me|me|un\s+poco|algo)\s+){{0,2}}"
         r"(?:hinchad[oa]s?|inflamad[oa]s?|hinchando|hinchandose)\b"),
    rule(A, r"\bse\s+me\s+(?:esta\s+|estan\s+)?(?:hinch|inflam)\w*\s+(?:la|el|los|las|mi|mis)\s+"
         rf"{_FACE}\b|\b(?:se\s+me\s+cierra|cerrandose|cerrada|cerrado)\s+(?:la\s+)?garganta\b"
         r"|\bgarganta\s+(?:(?:se\s+me|me|se|esta)\s+){0,2}(?:cierra|cerrando|cerrada|aprieta|"
         r"apretada)\b", clause=True),
    rule(A, r"\b(?:no\s+puedo|apenas\s+puedo|me\s+cuesta|cuesta|dificultad\s+para|dificultades\s+para|"
         r"problemas\s+para|trabajo\s+para)\s+(?:(?:mucho|bastante|casi|bien|nada)\s+)?(?:respirar|tragar)\b|\bdificultad\s+(?:respiratoria|"
         r"al\s+(?:respirar|tragar))\b", clause=True),
    # dolor en el pecho, falta de aire
    rule(C, r"\bdolor\s+(?:(?:fuerte|intenso|muy\s+fuerte)\s+)?(?:en\s+el|de|del|en)\s+(?:mi\s+)?"
         r"pecho\b|\bdolor\s+toracico\b|\bduele\s+(?:el|mi)\s+pecho\b|\b(?:opresion|presion|peso|"
         r"molestia)\s+(?:en\s+el|en|del)\s+pecho\b|\bpecho\s+(?:apretado|oprimido)\b|\binfarto\b"),
    rule(C, r"\bfalta\s+(?:de\s+)?(?:aire|aliento)\b|\bme\s+falta\s+(?:el\s+)?aire\b|\b(?:me\s+quedo|"
         r"quedo)\s+sin\s+aire\b|\bsin\s+aliento\b|\bme\s+ahog\w*|\bahog(?:o|andome|ando)\b"),
    # no mejora
    rule(Sign.NOT_EASING, r"\bno\s+(?:(?:ha|me|se|esta|estoy|va)\s+){0,2}(?:mejora\w*|calma\w*|"
         r"alivia\w*|disminu\w*|cede|cedido)\b|\bno\s+(?:me\s+|se\s+)?(?:ha\s+)?baja\w*\s+(?:el\s+dolor|"
         r"la\s+hinchazon|la\s+inflamacion)\b|\bsigue\s+igual\b|\bigual\s+que\s+(?:ayer|"
         r"antes|el\s+primer\s+dia)\b|\bno\s+se\s+(?:me\s+)?(?:quita|va|pasa)\s+(?:el\s+)?dolor\b"
         r"|\bsin\s+mejor\w*", clause=True),
)
