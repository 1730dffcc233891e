"""Language-independent word lists for reading free text: cues, fillers, typos.

Everything here is data, so that a clinician reviewing the rules reads tables,
not control flow. Text is matched after ``triage_text.normalise``: lower case,
accents stripped (``fiebre``/``fiébre``, ``escalofríos`` -> ``escalofrios``),
curly apostrophes made straight, emoji removed. Patterns are therefore written
without accents.

Both languages' tables are always applied (patients mix languages: a Spanish
speaker may write "fever", an English one "dolor"), so the cue lists below are
the union of English and Spanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.triage_signs import Sign


@dataclass(frozen=True)
class Rule:
    """One way of saying a sign.

    ``doubtful``: the wording only suggests the sign ("feels warm", "some
    redness"); it still counts at the sign's level, and the bot asks the
    follow-up question. ``listable``: a noun-like term that a negation can reach
    through a list ("no fever, chills or pus"); clause-like rules ("can't
    breathe", "redness is spreading") are only negated by a cue right before
    them, so "no fever, can't breathe" keeps the emergency. ``yields_to``: a
    doubtful reading dropped when it sits inside a match for one of these signs
    ("hot" inside "I feel hot" is the fever reading, not a hot injection site).
    ``tag`` lets the rules tell chills apart from the word "fever". A rule with
    no sign (``NEUTRAL``) names an expected symptom: it signals nothing, but a
    negation reaches through it ("no swelling, redness or pus").
    """

    sign: Sign | None
    pattern: re.Pattern[str]
    doubtful: bool = False
    listable: bool = True
    yields_to: frozenset[Sign] = frozenset()
    tag: str = ""


def rule(
    sign: Sign | None,
    regex: str,
    *,
    doubtful: bool = False,
    clause: bool = False,
    yields_to: tuple[Sign, ...] = (),
    tag: str = "",
) -> Rule:
    """Build a ``Rule``; ``clause=True`` marks verb phrases that lists cannot negate."""
    return Rule(sign, re.compile(regex), doubtful, not clause, frozenset(yields_to), tag)


def words(*items: str) -> str:
    """A regex alternation of phrases, longest first so "no longer" beats "no"."""
    return "|".join(sorted(items, key=len, reverse=True))


# Expected symptoms: never a sign, but part of a negated list.
NEUTRAL = rule(
    None,
    r"\b(?:swelling|swollen|bruis\w*|pain|soreness|stiffness|itching|bleeding|problems?|issues?|"
    r"symptoms?|hinchazon|inflamacion|dolor|moret\w*|morat\w*|hematomas?|rigidez|sangrado|"
    r"problemas|sintomas)\b",
)

# A negation cue just before a sign (only fillers between) cancels it.
NEGATION_CUES = words(
    "no", "not", "non", "never", "without", "none", "nor", "neither", "nothing",
    "don't", "dont", "do not", "doesn't", "doesnt", "didn't", "didnt", "haven't",
    "havent", "hasn't", "hasnt", "hadn't", "hadnt", "isn't", "isnt", "aren't",
    "arent", "wasn't", "wasnt", "weren't", "werent", "won't", "wont", "can't",
    "cant", "cannot", "couldn't", "couldnt", "less", "hardly", "barely", "zero",
    "free of", "negative for", "w/o", "denies", "deny", "clear of", "rid of",
    # Spanish
    "sin", "ni", "nunca", "tampoco", "ningun", "ninguna", "ninguno", "menos",
    "libre de", "nada de",
)

# Cues that say a sign has gone ("se me quito la fiebre"), unless themselves negated.
RESOLVED_BEFORE = words(
    "se me quito", "se quito", "se me fue", "se fue", "se me paso", "se paso",
    "se me bajo", "se bajo", "ya paso", "desaparecio", "got rid of", "no more",
)

# Words that may sit between a negation cue and the sign it negates.
FILLERS = frozenset(
    [
        "a", "an", "the", "any", "anymore", "have", "has", "had", "having", "got", "get", "getting",
        "i", "i've", "ive", "i'm", "im", "me", "my", "it", "it's", "its", "is", "are", "was", "were",
        "be", "been", "feel", "feeling", "feels", "felt", "see", "seen", "saw", "notice", "noticed",
        "noticing", "think", "there", "there's", "theres", "really", "at", "all", "more", "longer",
        "much", "obvious", "visible", "signs", "sign", "of", "real", "that", "this", "experienced",
        "experiencing", "developed", "show", "showing", "shows", "evidence", "so", "far", "too",
        "also", "even", "actually", "currently", "now", "today", "tonight", "do", "does", "did",
        "whatsoever", "whatever", "kind", "type", "el", "la", "los", "las", "lo", "un", "una", "unos",
        "unas", "de", "del", "tengo", "tiene", "tuve", "tenido", "hay", "habia", "he", "ha", "han",
        "hemos", "notado", "noto", "veo", "visto", "siento", "sentido", "me", "se", "mi", "mis",
        "esta", "estan", "es", "muy", "signos", "signo", "senales", "senal", "nada", "ningun",
        "ninguna", "ya", "nunca", "mas", "tenga", "que", "creo", "ahora", "hoy", "tipo",
    ]
)

# Tokens that continue a negated list ("no redness, swelling or pus").
LIST_SEPARATORS = frozenset({",", "or", "nor", "neither", "either", "/", "&", "o", "u", "ni"})

# Clause boundaries: negation and doubt do not cross them.
CLAUSE_BREAK = re.compile(
    r"[;!?:\n]|\.(?!\d)|\b(?:but|however|although|though|except|apart\s+from|"
    r"pero|aunque|sin\s+embargo|excepto|salvo|menos\s+que)\b"
)

# Words that make a clause uncertain: the sign still counts, and the bot asks.
HEDGES = re.compile(
    r"\?|\b(?:maybe|might|may|perhaps|possibly|probably|think|thinking|guess|suppose|"
    r"seems?|seemed|looks?\s+like|kind\s+of|kinda|sort\s+of|a\s+bit|bit|a\s+little|"
    r"little|slight|slightly|somewhat|some|mild|mildly|not\s+sure|unsure|don'?t\s+know|"
    r"no\s+idea|can'?t\s+tell|wonder|wondering|if|whether|could\s+be|"
    r"no\s+se(?=\s+(?:si|que|como|cuanto|bien|exactamente)\b|\s*[?.!,]|$)|"
    r"quizas?|tal\s+vez|a\s+lo\s+mejor|puede\s+(?:que|ser)|creo|parece|un\s+poco|poquito|"
    r"algo|ligera|ligero|leve|levemente|no\s+estoy\s+segur[oa]|si|apenas)\b"
)

# Phrases removed before matching: they mention a sign but say it is past or normal.
BENIGN = tuple(
    re.compile(p)
    for p in (
        r"\b(?:was|were|felt)\s+(?:(?:a\s+bit|much|way|even|a\s+lot|far)\s+)?worse\b",
        r"\bworse\s+(?:yesterday|last\s+night|before|at\s+first|the\s+first|earlier)\b",
        r"\bnot\s+as\s+bad\b",
        r"\b(?:temp(?:erature)?|temperatura)\s+(?:(?:is|was|es|esta|fue)\s+)?"
        r"(?:normal|fine|ok|okay|good|bien)\b",
        r"\bnormal\s+(?:temp(?:erature)?|temperatura)\b",
        r"\bnumbing\s+(?:cream|gel|spray|agent|medication|medicine|shot|injection)\b",
        r"\b(?:estaba|estuvo|fue|era)\s+(?:(?:un\s+poco|mucho|bastante)\s+)?peor\b",
        r"\bpeor\s+ayer\b",
        r"\blo\s+peor\s+ya\s+(?:paso|ha\s+pasado)\b",
    )
)

# After a sign: "fever: no", "fiebre no", "redness, not spreading", "fever is gone".
NEGATED_AFTER = re.compile(
    r"(?:\s*[:=\-?]+\s*(?:no|none|nope|nada|ninguno|ninguna|negative|negativo|nil)|\s+(?:no|none|nope))\b"
    r"(?=\s*(?:[,.;!?]|$|\b(?:but|pero|and|y)\b))"
    r"|\s*,?\s*(?:(?:is|it's|its|it|that|are|has|but|pero|que|and|y)\s+){0,2}"
    r"(?:not|isn't|isnt|aren't|arent|hasn't|hasnt|no)\s+(?:(?:se|ha|is|been)\s+)?"
    r"(?:spreading|spread|growing|getting\s+(?:bigger|larger)|increasing|expanding|"
    r"extendiendo|extiende|extendido|crece|crecido|aumenta|aumentado)\b"
)
RESOLVED_AFTER = re.compile(
    r"\s+(?:(?:is|are|was|has|have|had|seems|to\s+be|now|already|all|completely|totally|"
    r"finally|mostly|basically|ya|se|me|ha|han|esta|casi|totalmente)\s+){0,3}"
    r"(?:gone|went\s+away|going\s+away|go\s+away|disappeared|disappearing|subsided|"
    r"subsiding|resolved|fading|faded|cleared(?:\s+up)?|clearing(?:\s+up)?|better|improving|"
    r"improved|decreasing|decreased|down|went\s+down|gone\s+down|going\s+down|come\s+down|"
    r"came\s+down|coming\s+down|receding|settled|settling|fue|ido|quito|quitado|paso|pasado|"
    r"bajo|bajado|bajando|desaparecio|desaparecido|desapareciendo|mejoro|mejorado|mejorando|"
    r"disminuyo|disminuido|disminuyendo|remitido|remitiendo)\b"
    r"(?!\s+(?:my|the|to|towards?|into|along|his|her|your|por|hacia|hasta|a|al|la|el|mi)\b)"
)

# Misspellings seen in patient messages, corrected before matching (after repeated
# letters are squeezed). Longer words are also corrected by edit distance.
TYPOS: dict[str, str] = {
    "fevr": "fever", "feaver": "fever", "fevar": "fever", "fver": "fever",
    "feber": "fever", "fiever": "fever", "fevor": "fever", "fevere": "fever",
    "chils": "chills", "chillz": "chills", "nunb": "numb", "numm": "numb",
    "puss": "pus", "breth": "breath", "brethe": "breathe", "breate": "breathe",
    "brath": "breath", "swolen": "swollen", "swolan": "swollen", "rednes": "redness",
    "redish": "reddish", "reder": "redder", "pian": "pain", "chestpain": "chest pain",
    "tounge": "tongue", "tonge": "tongue", "toungue": "tongue", "throath": "throat",
    "thoat": "throat", "troat": "throat", "lipps": "lips", "hieves": "hives", "hivs": "hives",
    "hivez": "hives", "oozeing": "oozing",
    "tempreture": "temperature", "temprature": "temperature", "temperture": "temperature",
    "tingleing": "tingling", "tinglin": "tingling",
    "fievre": "fiebre", "fiebr": "fiebre", "fiebe": "fiebre", "feibre": "fiebre",
    "fiebra": "fiebre", "inchado": "hinchado", "inchada": "hinchada",
    "inchazon": "hinchazon", "ormigueo": "hormigueo", "ormigeo": "hormigueo",
    "devil": "debil", "respiar": "respirar", "rrojo": "rojo", "rroja": "roja",
    "cant": "can't", "dont": "don't", "doesnt": "doesn't", "isnt": "isn't",
    "im": "i'm", "ive": "i've", "havent": "haven't", "hasnt": "hasn't",
    "didnt": "didn't", "couldnt": "couldn't", "arent": "aren't", "wasnt": "wasn't",
}

# Keywords that edit-distance correction may produce (only words of 7+ letters,
# where one slip rarely makes another real word).
FUZZY_VOCABULARY: tuple[str, ...] = (
    "numbness", "tingling", "breathing", "breathe", "swallowing", "swallow", "swelling",
    "swollen", "discharge", "redness", "reddish", "spreading", "weakness", "shortness",
    "difficulty", "temperature", "feverish", "drainage", "shivering", "escalofrios",
    "hormigueo", "entumecimiento", "entumecido", "entumecida", "adormecido", "adormecida",
    "debilidad", "supuracion", "urticaria", "respirar", "hinchazon", "hinchado", "hinchada",
    "caliente", "enrojecimiento", "enrojecido", "enrojecida", "dificultad", "temperatura",
    "secrecion", "calentura", "inflamado", "inflamada",
)

# Real words one edit away from a keyword: never "corrected".
PROTECTED = frozenset(
    [
        "breath", "breaths", "shallow", "cliente", "spelling", "smelling", "dwelling", "spending",
        "reading", "heading", "breading", "treading", "discharged", "breathes", "breathed", "swallows",
        "swallowed", "sweating", "swelled", "swellings", "dumbness", "calienta", "calientes",
        "hinchados", "hinchadas", "entumecidos", "temperatures",
    ]
)

# Emoji carry meaning in chats: read a few as words before the rest are dropped.
EMOJI: dict[str, str] = {
    "\U0001f912": " feverish ",  # face with thermometer
    "\U0001f975": " i feel hot ",  # hot face
    "\U0001f321": " temperature ",  # thermometer
}
