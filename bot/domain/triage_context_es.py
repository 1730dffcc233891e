"""Spanish context cues (same shape as ``triage_context_en``).

Written without accents: text is normalised first. Two accented words would
lose their meaning in folding, so ``normalise`` maps them before it folds:
"sí" (yes) becomes "yes" and "él" (he) becomes "he"; a bare "si" stays "if",
and counts as a condition only in a sentence that asks something.
"""

from __future__ import annotations

from bot.domain.triage_cues import Context, Cue, Direction, Reach, cue
from bot.domain.triage_lexicon import words

B, F, BOTH = Direction.BACKWARD, Direction.FORWARD, Direction.BOTH
NEAR, CLAUSE = Reach.NEAR, Reach.CLAUSE

_NEGATION = words("sin", "ni", "cero", "nunca", "tampoco", "ningun", "ninguna", "ninguno", "libre de", "nada de",
                  "jamas", "no hay", "no tengo", "no tiene", "no noto", "no siento", "no veo", "no he tenido")
_PERSON = (
    r"(?:hij[oa]s?|marido|esposo|esposa|mujer|pareja|madre|padre|mama|papa|herman[oa]s?|amig[oa]s?|"
    r"vecin[oa]s?|novi[oa]|abuel[oa]s?|niet[oa]s?|ti[oa]s?|prim[oa]s?|sobrin[oa]s?|companer[oa]s?|"
    r"jef[ae]|familia|bebe|nin[oa]s?|suegr[oa]s?|cunad[oa]s?|nuera|yerno)"
)
_MONTH = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
_COUNT = r"(?:\d+|un|una|unos|unas|dos|tres|cuatro|cinco|varios|varias|muchos|muchas|un\s+par\s+de|pocos)"

ES_CUES: tuple[Cue, ...] = (
    cue(Context.NEGATED, rf"\b(?:{_NEGATION})\b", F, NEAR),
    cue(Context.NEGATED, r"(?<=\s)(?:no|ninguno|ninguna)\b(?=\s*(?:[,.;!?]|$|\b(?:pero|y)\b))", B, NEAR),
    cue(Context.NEGATED, r"(?:,\s*|\b)(?:(?:que|pero|y)\s+)?no\s+(?:se\s+)?(?:(?:ha|esta)\s+)?(?:extiende|"
        r"extendiendo|extendido|"
        r"crece|crecido|aumenta|aumentado)\b", B, NEAR),
    # resolved: "ya se me quitó la fiebre", "la fiebre ya bajó"
    cue(Context.RESOLVED, r"(?<!\bno\s)\b(?:ya\s+)?(?:se\s+me\s+|se\s+le\s+|se\s+)(?:ha\s+)?(?:quito|quitado|fue|"
        r"ido|paso|pasado|bajo|bajado)\b|\bya\s+paso\b|\bdesaparecio\b|\bya\s+no\s+(?:tengo|hay|noto|siento|"
        r"tiene|me\s+(?:duele|sale|pica))?\b|\bno\s+mas\b", F, NEAR),
    cue(Context.RESOLVED, r"(?<!\bno\s)\b(?:(?:ya|se|me|le|ha|han|esta|casi|totalmente|completamente|del\s+todo)"
        r"\s+){0,3}(?:bajo|bajado|bajando)\b(?!\s+(?:por|hacia|hasta|a|al|la|el|mi)\b)", B, NEAR),
    cue(Context.RESOLVED, r"(?<!\bno\s)\b(?:(?:ya|se|me|le|ha|han|esta|casi|totalmente|completamente|del\s+todo)"
        r"\s+){0,3}(?:fue|ido|quito|quitado|paso|pasado|desaparecio|desaparecido|"
        r"desapareciendo|mejoro|mejorado|mejorando|disminuyo|disminuido|disminuyendo|remitido|remitiendo|"
        r"calmado|calmo|cedido|cedio|sequito|seco|curado|curo)\b", B, NEAR),
    cue(Context.RESOLVED, r"\b(?:pero|y)\s+(?:ahora\s+)?ya\s+no\b|\b(?:pero|y)\s+ya\s+(?:se\s+)?(?:me\s+)?"
        r"(?:paso|quito|fue|bajo|desaparecio|estoy\s+bien|esta\s+bien|mejoro)\b|\bpero\s+ahora\s+(?:ya\s+)?"
        r"(?:no|estoy\s+bien|esta\s+bien|bien|nada)\b|\bpero\s+(?:ya\s+)?(?:se\s+)?(?:me\s+)?"
        r"(?:paso|quito|fue)\b|(?:,\s*)?(?:(?:hoy|ahora|y)\s+)?ya\s+no(?=\s*(?:[.!?]|$))|\bpero\s+ya\s+(?:la\s+|lo\s+|"
        r"los\s+|las\s+)?(?:siento|noto|tengo|esta|estoy)\s+(?:bien|perfect[oa]s?|normal(?:es)?)\b|"
        r"\bpero\s+(?:hoy|ahora|ya)"
        r"\s+(?:estoy\s+|esta\s+|me\s+siento\s+)?(?:mucho\s+|bastante\s+)?mejor\b", B, CLAUSE),
    # past and over
    cue(Context.HISTORICAL, r"\b(?:el|la)\s+(?:invierno|verano|otono|primavera|ano|mes|navidad)\s+pasad[oa]\b"
        r"|\bhace\s+(?:(?:como|unos|unas|mas\s+de|casi|ya|muchos|pocos|"
        r"un\s+par\s+de)\s+)?(?:\w+\s+){0,3}(?:anos|meses|ano|"
        r"mes)\b|\bhace\s+(?:mucho|tiempo|mucho\s+tiempo)\b"
        r"|\bde\s+(?:pequen[oa]|nin[oa]|joven|chic[oa]|adolescente)\b|\bcuando\s+(?:era|estaba)\s+"
        rf"(?:nin[oa]|joven|pequen[oa]|chic[oa]|embarazada)\b|\ben\s+{_MONTH}\b|\ben\s+el\s+pasado\b"
        r"|\bantecedentes\s+de\b|\bantes\s+del?\s+(?:tratamiento|inyecciones?|pinchazos?|primera\s+sesion|"
        r"curso|procedimiento)\b|\banteriormente\b|\balguna\s+vez\b|\bsolia\b|\ben\s+(?:19|20)\d\d\b",
        BOTH, CLAUSE),
    cue(Context.RECENT_PAST, r"\b(?:ayer|anoche|anteayer|antier|el\s+fin\s+de\s+semana|la\s+semana\s+pasada|"
        rf"el\s+otro\s+dia|hace\s+{_COUNT}\s+(?:dias|semanas)|el\s+(?:lunes|martes|miercoles|jueves|viernes|"
        r"sabado|domingo))\b", BOTH, CLAUSE, comma_ends=True),
    cue(Context.PAST_TENSE, r"\b(?:tuvo|tuve|estuvo|estuve|tenia|le\s+dio|me\s+dio|se\s+puso|tuvimos)\b", BOTH, CLAUSE,
        comma_ends=True),
    cue(Context.ONGOING, r"\b(?:desde|todavia|aun|sigue|sigo|siguen|continua|continuan|ahora|ahorita|hoy|"
        r"esta\s+(?:manana|tarde|noche)|en\s+este\s+momento|ahora\s+mismo|llevo\s+(?:\w+\s+)?(?:dias|horas|"
        r"semanas)|cada\s+vez|empeora\w*|no\s+se\s+(?:me\s+)?(?:quita|va|pasa|baja)|no\s+baja|acaba\s+de|"
        r"acabo\s+de|de\s+repente)\b", BOTH, CLAUSE, comma_ends=True),
    # hypothetical: "¿a qué número llamo si tengo fiebre?"
    cue(Context.HYPOTHETICAL, r"\bsi\b(?!\s*[,.!?])", F, CLAUSE,
        needs_question=True, comma_ends=True),
    cue(Context.HYPOTHETICAL, r"\b(?:en\s+caso\s+de(?:\s+que)?|por\s+si(?:\s+acaso)?|que\s+pasa\s+si|y\s+si|"
        r"(?:podria|puede|pueden|suele|suelen|va\s+a|van\s+a)\s+(?:me\s+)?(?:darme|dar|salir|salirme|aparecer|"
        r"provocar|causar|tener)|es\s+posible\s+que\s+(?:me\s+)?(?:de|salga|aparezca|tenga)|(?:riesgo|"
        r"posibilidad)\s+de|vigilar|estar\s+atent[oa]s?\s+a|en\s+el\s+futuro|la\s+proxima\s+vez|mas\s+adelante|"
        r"cuando\s+(?:debo|deberia|tengo\s+que|hay\s+que|tendria\s+que)|(?:que|cuales)\s+(?:sintomas|signos|"
        r"senales)\s+(?:debo|tengo\s+que|hay\s+que|son|de))\b|\ba\s+partir\s+de\s+(?:cuanto|que\s+temperatura)"
        r"|\bcuanto\s+(?:es|se\s+considera)\b|\bque\s+temperatura\s+(?:es|se\s+considera)\b", F, CLAUSE,
        comma_ends=True),
    cue(Context.HYPOTHETICAL, r"\b(?:tengo|hay|debo)\s+que\s+vigilar\b", B, CLAUSE),
    cue(Context.OTHER_PERSON, rf"\b(?:mi|mis|su|sus|nuestr[oa]s?|el|la|los|las|un|una|a\s+mi)\s+{_PERSON}\b"
        r"|\b(?:ella|ellos|ellas|alguien|otra\s+persona|otr[oa]\s+pacientes?)\b"
        r"|\ble\s+(?:dio|da|duele|dolia|salio|sale|pica|pasa|paso|subio|sube)\b", F, CLAUSE, comma_ends=True),
    cue(Context.SELF, rf"\b(?:yo|me|mio|mia|tengo|estoy|siento|noto)\b|\bmis?\s+(?!{_PERSON}\b)\w+", F, CLAUSE),
    cue(Context.DOUBT, r"\b(?:quizas?|tal\s+vez|a\s+lo\s+mejor|puede\s+(?:que|ser)|creo|parece|un\s+poco|poquito|"
        r"algo|ligera|ligero|leve|levemente|no\s+estoy\s+segur[oa](?:\s+de\s+si)?|apenas|"
        r"no\s+se(?=\s+(?:si|que|como|cuanto|bien|exactamente)\b|\s*[?.!,]|$)(?:\s+si)?|"
        r"es\s+normal|sera|seria|igual\s+es|jaja\w*|jeje\w*)\b", BOTH, CLAUSE),
    cue(Context.DOUBT, r"\bes\s+(?:grave|normal|malo|preocupante|peligroso)\s+(?:que|si)\s+(?:esta|estan|hay|tengo|"
        r"tiene|sale|salga|este|tenga)\b", BOTH, CLAUSE),
    cue(None, r"\b(?:no\s+pasa\s+nada|sin\s+duda|no\s+solo|ni\s+idea\s+de\s+la\s+hora|como\s+si|si\s+no|"
        r"no\s+importa|no\s+problema|no\s+gracias)\b"),
)

_FILLER_WORDS = (
    "anestesia estoy estaba les os comente conte mencione raro rara nuevo nueva extrano extrana "
    "el la los las lo un una unos unas de del tengo tiene tuve tenido hay habia he ha han hemos notado noto "
    "veo visto siento sentido me se mi mis esta estan es muy signos signo senales senal nada ningun ninguna "
    "ya nunca mas tenga que creo ahora hoy tipo en alrededor cerca zona sitio pinchazo pinchazos aguja "
    "inyeccion inyecciones rodilla hombro espalda cadera codo tobillo muneca pierna brazo pie mano piel te "
    "dije comente ayer antes le su sus al por este esten sea parece ve nota primer primera dia cada punto puntito"
)
ES_FILLERS = frozenset(_FILLER_WORDS.split())
ES_LIST_WORDS = frozenset({"el", "la", "los", "las", "un", "una", "de", "del", "mi", "ningun", "ninguna", "nada",
                           "ni", "o", "en", "zona", "rodilla", "piel"})
ES_QUESTION = r"\b(?:que|como|cuando|donde|quien|cual|debo|deberia|llamo|aviso|tengo\s+que|hay\s+que|puedo)\b"
ES_FORWARD_SEPARATORS = frozenset({",", "o", "u", "ni", "/"})
ES_BACKWARD_SEPARATORS = frozenset({",", "o", "u", "ni", "/", "y", "e"})
ES_CONTRAST = r"pero|aunque|sin\s+embargo|excepto|salvo|menos\s+que|en\s+cambio|sino"
