"""Spanish wordings of the docs/CLINICAL.md signs (same shape as ``triage_lexicon_en``).

Written without accents (text is normalised first), and with the common
spellings patients use: ``hinchado``/``inchado``, ``hormigueo``/``hormigeo``
are folded by the typo table and edit-distance correction before matching.
"""

from __future__ import annotations

from bot.domain.triage_lexicon import Rule, rule
from bot.domain.triage_signs import Sign

_SITE = (
    r"(?:rodillas?|zona|sitio|area|hombro|espalda|cadera|codo|tobillo|muneca|pierna|brazo|pie|"
    r"mano|cuello|piel|lugar|pinchazos?|inyeccion(?:es)?|talon|muslo|gemelo|tendon|articulacion|herida|"
    r"aposito|tirita|venda|marcas?\s+de\s+la\s+aguja|agujeros?)"
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
    rule(F, r"\bsudores?\s+(?:frios|nocturnos)\b", doubtful=True),
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
    rule(H, r"(?<!ducha\s)(?<!agua\s)(?<!bano\s)(?<!bolsa\s)(?<!sopa\s)(?<!cafe\s)(?<!comida\s)(?<!dia\s)"
         r"(?<!compresa\s)\bcaliente\b|\btibi[oa]\b", doubtful=True, yields_to=(F,)),
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
         r"(?:tamano|grande)\b", yields_to=(A,)),
    rule(Sign.MODERATE_SWELLING, rf"\bbastante\s+{_SWOLLEN}\b|\b(?:hinchazon|inflamacion)\s+"
         r"(?:es\s+)?moderada\b|\bmucha\s+(?:hinchazon|inflamacion)\b", yields_to=(A,)),
    # entumecimiento, hormigueo, debilidad
    rule(N, r"\bentumec\w*|\bentumid[oa]s?\b|\badormec\w*|\badormid[oa]s?\b|\bhormigue\w*"
         r"|\bhormigas\b|\bcosquilleo\b|\bdebilidad\b"),
    rule(N, rf"\b{_LIMB}\s+(?:(?:se\s+me|esta|como|muy)\s+){{0,2}}(?:dormid[oa]s?|muert[oa]s?)\b"
         r"|\bse\s+(?:me|le)\s+(?:duerme|durmio|duermen|durmieron|duerman|duerma|queda\s+dormid[oa])\b", clause=True),
    rule(N, r"\b(?:sin|no)\s+(?:poder\s+)?sentir\s+(?:bien\s+)?(?:(?:los|las|el|la|mis?)\s+)?(?:dedos|pies?|piernas?|"
         r"manos?|brazos?|rodillas?|tobillo)\b", clause=True),
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
         r"(?:hinchad[oa]s?|inflamad[oa]s?|hinchando|hinchandose|hinchadisim[oa]s?)\b|\bojos\s+(?:casi\s+)?cerrados\b"),
    rule(A, r"\bse\s+(?:me|le)\s+(?:esta\s+|estan\s+)?(?:hinch|inflam)\w*\s+(?:la|el|los|las|mi|mis)\s+"
         rf"{_FACE}\b|\b(?:se\s+me\s+cierra|cerrandose|cerrada|cerrado)\s+(?:la\s+)?garganta\b"
         r"|\bgarganta\s+(?:(?:se\s+me|me|se|esta)\s+){0,2}(?:cierra|cerrando|cerrada|aprieta|"
         r"apretada)\b", clause=True),
    rule(A, r"\b(?:no\s+(?:puedo|puede|pueden|podia|podemos)|apenas\s+(?:puedo|puede)|(?:me|le)\s+cuesta|cuesta|"
         r"dificultad\s+para|dificultades\s+para|"
         r"problemas\s+para|trabajo\s+para)\s+(?:(?:mucho|bastante|casi|bien|nada)\s+)?(?:respirar|"
         r"tragar)\b|\bdificultad\s+(?:respiratoria|"
         r"al\s+(?:respirar|tragar))\b", clause=True, tag="breathing"),
    # dolor en el pecho, falta de aire
    rule(C, r"\bdolor\s+(?:(?:fuerte|intenso|muy\s+fuerte)\s+)?(?:en\s+el|de|del|en)\s+(?:mi\s+)?"
         r"pecho\b|\bdolor\s+toracico\b|\bduele\s+(?:(?:mucho|bastante|un\s+poco)\s+)?(?:el|mi)\s+pecho\b|"
         r"\b(?:opresion|presion|peso|"
         r"molestia)\s+(?:en\s+el|en|del)\s+pecho\b|\bpecho\s+(?:apretado|oprimido)\b|\binfarto\b"),
    rule(C, r"\bfalta\s+(?:de\s+)?(?:aire|aliento)\b|\bme\s+falta\s+(?:el\s+)?aire\b|\b(?:me\s+quedo|"
         r"quedo)\s+sin\s+aire\b|\bsin\s+aliento\b|\bme\s+ahog\w*|\bahog(?:o|andome|ando)\b"),
    # no mejora
    rule(Sign.NOT_EASING, r"\bno\s+(?:(?:ha|me|se|esta|estoy|va)\s+){0,2}(?:mejora\w*|calma\w*|"
         r"alivia\w*|disminu\w*|cede|cedido)\b|\bno\s+(?:me\s+|se\s+)?(?:ha\s+)?baja\w*\s+(?:el\s+dolor|"
         r"la\s+hinchazon|la\s+inflamacion)\b|\bsigue\s+igual\b|\bigual\s+que\s+(?:ayer|"
         r"el\s+primer\s+dia)\b|\bno\s+se\s+(?:me\s+)?(?:quita|va|pasa)\s+(?:el\s+)?dolor\b"
         r"|\bsin\s+mejor\w*", clause=True),
    # desmayo, perdida de conocimiento (emergencia); sentirse a punto de desmayarse solo es mareo
    rule(Sign.FAINTING, r"(?<!casi\s)(?<!poco\s)\b(?:me|se|le|te)\s+(?:ha\s+|han\s+|he\s+)?(?:desmaye|desmayo|"
         r"desmayado|desmayaron|desmayaste|desvaneci|desvanecio)\b|\b(?:un|el|los|unos|tuve|tengo|dio)\s+"
         r"(?:un\s+)?(?:desmayos?|sincope|desvanecimientos?)\b|\bdesmayad[oa]s?\b|\bperd(?:i|io|iste|imos)\s+(?:el\s+)?"
         r"(?:conocimiento|sentido|conciencia)\b|\b(?:me\s+)?(?:quede|quedo|quedaste)\s+inconsciente\b"
         r"|\binconsciente\b|\b(?:me|se)\s+cay(?:o|e)\s+redond[oa]\b|\bcai\s+redond[oa]\b|\bsincope\b|"
         r"\b(?:acab[oa]|acabamos)\s+de\s+desmayar(?:me|se|te)?\b|\bse\s+acaba\s+de\s+"
         r"desmayar\b|\b(?:me\s+)?desperte\s+(?:tirad[oa]\s+)?en\s+el\s+(?:suelo|piso)\b"
         r"|\b(?:se|me)\s+(?:desplomo|desplome)\b|\bcolaps(?:e|o|ado)\b|\bse\s+me\s+(?:fue|nublo)\s+(?:la\s+vista|"
         r"todo)\s+y\s+me\s+cai\b|\bno\s+responde\b"),
    rule(Sign.DIZZINESS, r"\b(?:casi|por\s+poco)\s+me\s+desmay\w*|\bme\s+voy\s+a\s+desmayar\b|\b(?:siento|sentia|"
         r"senti|sensacion)\s+(?:de\s+)?(?:que\s+)?(?:me\s+)?(?:voy\s+a\s+)?desmay\w*|\ba\s+punto\s+de\s+"
         r"(?:desmayarme|caerme)\b|\bcomo\s+(?:que\s+)?(?:si\s+)?(?:me\s+)?(?:voy\s+a\s+|fuera\s+a\s+)?desmay\w*"
         r"|\bpresincope\b|\bse\s+me\s+(?:va|nubla)\s+la\s+vista\b|\bbajada\s+de\s+(?:tension|presion|azucar)\b",
         tag="near_faint", clause=True),
    rule(Sign.FAINTING, r"\bme\s+cai\s+(?:al|en\s+el)\s+(?:suelo|piso)\b", doubtful=True),
    rule(Sign.DIZZINESS, r"\bmaread[oa]s?\b|\bmareos?\b|\bmarearme\b|\bme\s+mareo\b|\b(?:me\s+)?da\s+vueltas\s+"
         r"(?:la\s+cabeza|todo)\b|\b(?:todo|la\s+cabeza)\s+(?:me\s+)?da\s+vueltas\b|\bvertigos?\b|\baturdid[oa]\b"
         r"|\bcabeza\s+(?:hueca|ligera)\b|\binestable\b"),
    rule(Sign.RACING_HEART, r"\b(?:corazon|pulso)\s+(?:(?:muy|super|esta|lo\s+tengo|me\s+va)\s+){0,2}"
         r"(?:acelerado|a\s+mil|desbocado|latiendo\s+(?:muy\s+)?(?:rapido|fuerte))\b|\bpalpitaciones\b"
         r"|\btaquicardia\b|\b(?:me\s+)?late\s+(?:muy\s+)?(?:rapido|fuerte|a\s+mil)\s+el\s+corazon\b|\bel\s+corazon"
         r"\s+(?:me\s+)?(?:late|va)\s+(?:muy\s+)?(?:rapido|fuerte|a\s+mil)\b", clause=True),
    # garganta y lengua, en todas sus formas (emergencia)
    rule(A, r"\b(?:lengua|garganta|labios?|boca)\s+(?:(?:muy|super|mas|como|se\s+me|me|esta|estan|la\s+siento|"
         r"lo\s+siento|los\s+siento|se\s+siente|siento|noto|la\s+noto|lo\s+noto|los\s+noto|se\s+nota|un\s+poco|"
         r"algo|toda|y|se\s+me\s+puso|se\s+puso|se\s+ha\s+puesto|se\s+me\s+ha\s+puesto|"
         r"de\s+repente)\s+){0,3}(?:gord[oa]s?|grandes?|"
         r"enorme|pesad[oa]|dormid[oa]s?|adormecid[oa]s?|hormigueando|cerrad[oa]|cerrandose|apretad[oa]|"
         r"hinchad[oa]s?|inflamad[oa]s?|trabad[oa]|hinchandose|cerrando)\b", clause=True),
    rule(A, r"\b(?:siento|noto|tengo)\s+(?:la\s+|el\s+|los\s+)?(?:garganta|lengua|labios?)\s+(?:muy\s+)?"
         r"(?:cerrad[oa]|apretad[oa]|hinchad[oa]s?|gord[oa]s?|inflamad[oa]s?)\b|\bse\s+me\s+(?:esta\s+|estan\s+)?"
         r"(?:hinchando|cerrando|inflamando)\s+(?:la\s+|los\s+|el\s+)?(?:garganta|lengua|cara|boca|labios?)\b"
         r"|\bnudo\s+en\s+la\s+garganta\b|\b(?:presion|opresion)\s+en\s+la\s+garganta\b"),
    # moretón que crece, preocupación sin un signo (vigilar)
    rule(Sign.GROWING_BRUISE, r"\b(?:moreton(?:es)?|morados?|moraton(?:es)?|hematomas?|cardenal(?:es)?)\s+(?:(?:que|"
         r"se|esta|va|sigue|cada\s+vez|cada\s+dia|mas|me|ha|lo\s+veo|es|haciendo|hace)\s+){0,3}(?:crece|"
         r"creciendo|crecido|agranda|agrandando|"
         r"agrandado|extiende|extendiendo|extendido|mas\s+grande|aumenta|aumentando|aumentado)\b", clause=True),
    rule(Sign.VAGUE_WORRY, r"\balgo\s+(?:no\s+(?:va|esta|anda|me\s+parece)\s+bien|raro|anda\s+mal|va\s+mal|no\s+"
         r"cuadra)\b|\b(?:preocupad[oa]s?|asustad[oa]s?|angustiad[oa]s?|intranquil[oa]s?|inquiet[oa]s?|"
         r"nerviosisim[oa]|preocupacion)\b|\bme\s+(?:preocupa|asusta|da\s+miedo|tiene\s+preocupad[oa])\b"
         r"|\btengo\s+miedo\b|\bno\s+me\s+siento\s+(?:bien|normal|yo\s+mism[oa])\b|\bme\s+siento\s+(?:muy\s+)?"
         r"(?:mal|rar[oa]|extran[oa]|fatal|malit[oa]|indispuest[oa])\b|\bmalestar\b|\bno\s+estoy\s+bien\b|\b(?:estoy|"
         r"me\s+encuentro|ando)\s+(?:muy\s+)?(?:malit[oa]|mal[oa]|mal|fatal|pachuch[oa]|chungo|chunga|hecho\s+polvo)\b",
         clause=True),
    # hinchazón por tamaño y en jerga
    rule(S, r"\b(?:como|parece)\s+(?:un|una)\s+(?:pelota|balon|globo|melon|naranja|pomelo|toronja|sandia|coco|"
         r"calabaza)\b|\binflamadisim[oa]s?\b|\b(?:hinchad[oa]|inflamad[oa])\s+a\s+tope\b|\b(?:rodilla|tobillo|"
         r"hombro|zona|articulacion|codo)\s+(?:(?:esta|se\s+ha\s+puesto|se\s+puso|muy|super)\s+){1,2}"
         r"(?:enorme|gigante|gigantesca|como\s+(?:un|una)\s+\w+)\b|\bel\s+doble\b|\bhinchadisim\w*", yields_to=(A,)),
    rule(Sign.MODERATE_SWELLING, r"\b(?:hinchad|inflamad)[oa]s?\s+(?:bastante|mucho)\b|\bcomo\s+un\s+(?:huevo|limon|"
         r"nuez|ciruela)\b", yields_to=(A,)),
    rule(Sign.SORENESS_DAY7, r"\b(?:una\s+semana|7\s+dias|siete\s+dias|diez\s+dias|10\s+dias|dos\s+semanas|mas\s+de\s+"
         r"una\s+semana)\s+(?:despues|mas\s+tarde|desde|y|ya)\b[^.!?]{0,40}\b(?:sigue|todavia|aun|muchisimo|mucho|"
         r"muy)\b[^.!?]{0,20}\b(?:duele|dolor|dolorid[oa]|molesta)\w*|\b(?:una\s+semana|7\s+dias|"
         r"siete\s+dias|diez\s+dias|"
         r"10\s+dias|dos\s+semanas|mas\s+de\s+una\s+semana)\b[^.!?]{0,30}\b(?:dolor|duele|doliendo)\w*\s+(?:sigue|"
         r"todavia|aun)\b[^.!?]{0,12}\b(?:[7-9]|10|much\w*|fuerte)\b", clause=True),
    # más formas vistas en mensajes de pacientes
    rule(A, r"\b(?:me|le)\s+cuesta\s+(?:muchisimo|un\s+monton|horrores|trabajo|much[oa])\s+(?:respirar|tragar)\b",
         tag="breathing"),
    rule(S, r"\b(?:hinchad|inflamad)[oa]s?\s+(?:muchisimo|un\s+monton|a\s+lo\s+bestia)\b|"
         r"\bno\s+me\s+(?:entra|cabe|entran|"
         r"caben)\s+(?:el|la|los|las)\s+(?:zapatos?|pantalon(?:es)?|botas?|calcetin(?:es)?|manga)\b", yields_to=(A,)),
    rule(Sign.NOT_EASING, r"\b(?:dolor|hinchazon|inflamacion)\s+no\s+(?:(?:se|me|ha)\s+)?(?:baja|bajado|"
         r"mejora|cede|se\s+va|"
         r"se\s+quita|disminuye)\b", clause=True),
    rule(Sign.VAGUE_WORRY, r"\bcuerpo\s+cortado\b|\bmalestar\s+general\b|\b(?:lo|la)\s+noto\s+(?:muy\s+)?rar[oa]\b"
         r"|\bno\s+se\s+si\s+(?:esto\s+)?es\s+normal\b", clause=True),
    rule(Sign.LOW_GRADE_FEVER, r"\bfebricula\b|\bunas\s+decimas\b|\bdecimas\s+de\s+fiebre\b"),
    rule(Sign.SORENESS_DAY7, r"\b(?:mucho\s+dolor|mucha\s+molestia|duele\s+mucho|"
         r"doliendo\s+mucho)\b[^.!?]{0,30}\b(?:una\s+"
         r"semana|7\s+dias|siete\s+dias|diez\s+dias|10\s+dias|dos\s+semanas)\b|\b(?:llevo|van|"
         r"ya\s+van)\s+(?:una\s+semana|"
         r"\d{2}\s+dias|[7-9]\s+dias)\b[^.!?]{0,30}\b(?:sigue|todavia|aun)\s+(?:doliendo|con\s+dolor)\b", clause=True),
    rule(Sign.RACING_HEART, r"\b(?:corazon|pulso)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,20}?\b(?:rapidisimo|muy\s+deprisa|a\s+cien|a\s+mil|"
         r"acelerad[oa]|desbocad[oa])\b", clause=True),
    rule(W, r"\b(?:va|ha\s+ido|sigue|esta\s+yendo)\s+a\s+mas\b|\ben\s+(?:lugar|vez)\s+de\s+(?:bajar|mejorar|"
         r"disminuir|ir\s+a\s+menos)\b", clause=True),
    rule(Sign.GROWING_BRUISE, r"\b(?:moreton|moretones|morado|moratones?|moraton|hematomas?|cardenal(?:es)?)\b"
         r"(?:(?!\bpero\b)[^.!?]){0,50}?\b(?:crece|creciendo|crecido|mas\s+grande|agrand\w+|"
         r"extiend\w+)\b", clause=True),
    # formas indirectas: la cara como un globo, quema al tocar, no tiene fuerza, se me va la cabeza
    rule(A, r"\b(?:cara|labios?|lengua|garganta|boca|parpados?|ojos)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,25}?\bcomo\s+(?:un|una)\s+(?:globo|"
         r"pelota|balon|sapo|pez)\b|\bse\s+me\s+(?:hinch\w+|inflam\w+)\s+(?:\w+\s+)?(?:la|el|los|"
         r"las)\s+(?:cara|labios?|"
         r"lengua|garganta|boca|parpados?|ojos)\b", clause=True),
    rule(H, r"\b(?:quema|arde)\s+(?:al|cuando\s+la|cuando\s+lo|si\s+la|si\s+lo)\s+(?:toc\w+)\b|"
         r"\bquema\s+al\s+tocarl[ao]\b"),
    rule(P, r"\b(?:sale|salen|saliendo|salio|sueltan?|echa)\s+(?:\w+\s+){0,2}(?:crem\w*|pasta|amarill\w*|verdos\w*)\b"
         r"|\b(?:cremita|liquidillo|pus\w*)\s+amarill\w*\b", clause=True),
    rule(N, r"\b(?:pierna|brazo|mano|rodilla|tobillo|pie)\s+(?:me\s+)?(?:falla|fallan|flojea|flaquea|no\s+responde)\b"
         r"|\bno\s+tiene\s+fuerza\b|\bsin\s+fuerzas?\s+en\s+(?:la|el)\b", clause=True),
    rule(Sign.DIZZINESS, r"\bse\s+me\s+(?:fue|va|iba)\s+(?:un\s+poco\s+)?la\s+cabeza\b|\b(?:me\s+)?da\s+(?:todo\s+)?"
         r"(?:un\s+poquito\s+|un\s+poco\s+)?(?:de\s+)?vueltas\b|\bmareit[oa]\b|\bmareadit[oa]\b"),
    rule(Sign.VAGUE_WORRY, r"\b(?:me\s+noto|estoy|me\s+siento|ando)\s+(?:muy\s+|un\s+poco\s+|algo\s+)?(?:floj\w+|"
         r"decaid[oa]|hech[oa]\s+polvo|sin\s+fuerzas|baj[oa]\s+de\s+animo|fatal)\b", clause=True),
    # red de seguridad por zona del cuerpo: cara, boca, pecho
    rule(A, r"\b(?:cara|labios?|lengua|garganta|boca|parpados?|ojos)\b(?:(?!\b(?:and|but|or|y|e|o|pero|"
         r"aunque)\b)[^.!?,;]){0,25}?\b(?:hinchad[oa]s?|inflamad[oa]s?|"
         r"gord[oa]s?|enorme|cerrad[oa]s?|como\s+un\s+sapo|parezco\s+un\s+sapo|deformad[oa])\b|\bparezco\s+un\s+sapo\b",
         clause=True),
    rule(C, r"\bpecho\b(?:(?!\b(?:and|but|or|y|e|o|pero|aunque)\b)[^.!?,;]){0,30}?\b(?:dolor|duele|punzada|"
         r"pinchazo|opresion|presion|apret\w+|aplast\w+|peso|arde|"
         r"quema)\b|\b(?:dolor|punzada|opresion|presion|peso)\b[^.!?]{0,25}?\bpecho\b", clause=True),
    rule(Sign.VAGUE_WORRY, r"\balgo\s+no\s+me\s+cuadra\b|\bno\s+me\s+siento\s+tranquil[oa]\b|\bcomo\s+el\s+forro\b"
         r"|\b(?:toda|todo)\s+decaid[oa]\b|\bdecaid[oa]\b", clause=True),
    rule(Sign.MODERATE_SWELLING, r"\b(?:hinchad|inflamad)[oa]s?\s*,?\s+(?:moderad[oa]|regular)\b|"
         r"\bhinchazon\s+moderada\b",
         yields_to=(A,)),
)
