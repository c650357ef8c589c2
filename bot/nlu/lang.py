"""Guess whether a message is English or Spanish (for replies and LLM prompts); cheap and deterministic."""

from __future__ import annotations

import re

from bot.nlu.plan import Lang

_ACCENT_FOLD = str.maketrans("áéíóúüàèìòùâêîôû", "aeiouuaeiouaeiou")
_WORD_RE = re.compile(r"[a-zñ]+(?:'[a-z]+)?")
_SPANISH_MARKS_RE = re.compile(r"[ñ¿¡]")
_ACCENTED_WORD_RE = re.compile(r"\w*[áéíóú]\w*")

# Words that are strong evidence for one language (weight 2) or weaker evidence (weight 1).
# Words shared by both languages ("no", "me", "a", "final", "radio") are left out.
_ES_STRONG = frozenset(
    """
    pon ponme pone poner ponlo ponla ponle reproduce reproducir reproduceme toca tocar tocame quiero
    quisiera escuchar escuchemos oir cancion canciones musica siguiente anterior sube subele subelo subir
    baja bajale bajalo bajar volumen pausa pausar para parar deten detener reanuda reanudar continua
    continuar sigue seguir salta saltar saltate pasa pasar cola lista dispositivos ayuda gracias favor
    aleatorio repite repetir repeticion adelanta retrocede atrasa suena sonando esta este esto eso cual
    quien como donde cuando porque que tema pista otra otro tope silencio silencia segundos minuto minutos
    ciento puedes podrias hola oye vale gusta guarda guardala anade agrega mete algo nada dale
    """.split()
)
_ES_WEAK = frozenset(
    """
    el la los las del al de y en un una por con sin mi mis tu su lo le les es son muy mas menos
    tambien ya ahora luego despues bien mal poco mucho
    """.split()
)
_EN_STRONG = frozenset(
    """
    play playing pause stop resume unpause skip next previous back song songs track tracks music volume
    louder quieter turn up down what what's whats who which how please thanks thank shuffle repeat queue
    like save current playing devices help seconds minutes forward rewind mute want hear listen put some
    something can could would you your this that these those
    """.split()
)
_EN_WEAK = frozenset(
    """
    the a an and to of in on it is are my me i for with by from at be do does did not don't dont
    just now then again more less bit lot
    """.split()
)


def detect_lang(text: str, default: Lang = "en") -> Lang:
    """The language a message is most likely written in, or `default` when it is unclear."""
    if not isinstance(text, str) or not text:
        return default
    sample = text[:600]
    lowered = sample.lower()
    es = 3 * len(_SPANISH_MARKS_RE.findall(lowered)) + len(_ACCENTED_WORD_RE.findall(lowered))
    en = 0
    for word in _WORD_RE.findall(lowered.translate(_ACCENT_FOLD)):
        if word in _ES_STRONG:
            es += 2
        elif word in _ES_WEAK:
            es += 1
        if word in _EN_STRONG:
            en += 2
        elif word in _EN_WEAK:
            en += 1
    if es > en:
        return "es"
    if en > es:
        return "en"
    return default
