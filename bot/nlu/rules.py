"""Local English/Spanish command parser: answers the common commands instantly, or None when unsure.

Precision comes first: every rule matches a whole clause (never a keyword inside a sentence), so anything
unusual ("don't stop the music", questions, chit-chat, vague requests) falls through to the LLM.

How a message is read:
1. Clean-up: mentions (<@123>), control characters and emoji removed; case and accents folded for matching
   (queries keep the user's spelling).
2. Polite wrappers are peeled off ("hey bot", "can you please", "por favor", "quiero que", "thanks").
3. The message is split at "and / then / , / y luego ..." and every clause must be a known control command,
   except one play/queue request, which may take the rest of the text ("play rock and roll" stays one request).
4. Locations (Home Assistant style "on the TV", "in the kitchen", "en el salón") are ignored: the bot drives a
   single Spotify player. In a play request only a trailing location is removed, and only for a short list
   of room and device words, so titles keep their words ("play The Office" stays "The Office").
5. Play requests keep the user's words as the query, minus service names ("on Spotify/YouTube/Deezer"), and
   set `kind` from explicit words ("the album X", "X playlist"). "X by Y" becomes "X Y". Vague requests
   (moods, decades, "something like X", "top/new songs") and non-music media (podcasts, movies, shows)
   are left to the LLM.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from bot.nlu.actions import (
    Action,
    AddToPlaylist,
    Devices,
    DjStart,
    Help,
    Like,
    NowPlaying,
    Pause,
    Play,
    Previous,
    QueueAdd,
    Recommend,
    Repeat,
    Resume,
    Search,
    Seek,
    ShowQueue,
    Shuffle,
    Skip,
    Transfer,
    Volume,
)
from bot.nlu.lang import detect_lang
from bot.nlu.numbers import NUMBER_PATTERN, parse_duration, parse_number
from bot.nlu.plan import Context, Plan
from bot.nlu.templates import Grammar, fold, grammar

log = logging.getLogger(__name__)

# While one message is parsed: what its pure readers (_control, _music_query) already said about a piece of it
# (the templates' slot checks and the clause rules often ask about the same words).
_MESSAGE_MEMO: ContextVar[dict[tuple[str, ...], object] | None] = ContextVar("nlu_message_memo", default=None)
_MISSING = object()
_T = TypeVar("_T")


def _per_message(key: tuple[str, ...], read: Callable[..., _T], *args: str) -> _T:
    """`read(*args)`, remembered under `key` while the current message is parsed (outside `parse_local`: not)."""
    memo = _MESSAGE_MEMO.get()
    if memo is None:
        return read(*args)
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = memo[key] = read(*args)
    return found  # type: ignore[return-value]


MAX_INPUT = 400  # longer messages are conversations, not commands
MAX_CLAUSES = 6
MAX_QUERY_WORDS = 16
DEFAULT_STEP = 10
BIG_STEP = 20

# ---------------------------------------------------------------------------------------------------------
# Text clean-up
# ---------------------------------------------------------------------------------------------------------

_MENTION_RE = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>|@(?:everyone|here)\b")
_JUNK_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff"
    "\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2900-\u297f\u2b00-\u2bff\u3030\u303d"
    "\U0001f000-\U0001faff\U000e0000-\U000e007f]"
)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_WS_RE = re.compile(r"\s+")
_EDGE_CHARS = " .!?¡¿,;:…~*_-"
_FOLD = str.maketrans("áéíóúüàèìòùâêîôûäëïöçñ", "aeiouuaeiouaeiouaeiocn")
_PUNCT_RE = re.compile(r"[^\w\s:%+]")
_STRETCHED_RE = re.compile(r"([a-z])\1{2,}")
_TRIPLED_RE = re.compile(r"([a-z])\1\1")  # whether _STRETCHED_RE has anything to do (quicker to ask)


def _fold(text: str) -> str:
    """Lower case without accents, same length as `text` (so spans map back to the original)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_FOLD)


def _clean(text: str) -> str:
    if text.isascii() and text.isprintable() and "<" not in text and "@" not in text:
        return " ".join(text.translate(_QUOTES).split()).strip(_EDGE_CHARS)  # no mention, emoji or control
    text = _MENTION_RE.sub(" ", text)
    text = _JUNK_RE.sub(" ", text).translate(_QUOTES)
    return _WS_RE.sub(" ", text).strip(_EDGE_CHARS)


def _key(folded: str) -> str:
    """Folded clause without punctuation (apostrophes dropped: "what's" -> "whats"), stretched letters undone.

    "louderrrr", "pauseee", "nexttt": three or more of the same letter become one (no command word has a
    tripled letter); digits are left alone so "1000" never turns into "10".
    """
    key = " ".join(_PUNCT_RE.sub(" ", folded.replace("'", "")).split())
    return key if _TRIPLED_RE.search(key) is None else _STRETCHED_RE.sub(r"\1", key)


# ---------------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------------

_SERVICE = (
    r"(?:spotify|youtube music|youtube|you tube|yt music|deezer|pandora|itunes|apple music|soundcloud|"
    r"sound cloud|tidal|amazon music|amazon prime music|google play music|google play|google music|"
    r"last ?fm|last\.fm|iheart ?radio|iheart|i heart radio|napster|groove ?shark|vimeo|netflix|slacker|zvooq|"
    r"bandcamp|qobuz|anghami|gaana|jio ?saavn|saavn|audiomack|tunein|tune in|shazam)"
)
_LOC = (
    r"(?:tv|t\.v\.|television|tele|telly|kitchen|living ?room|lounge|bedroom|bathroom|garage|dining room|"
    r"family room|basement|speakers?|salon|cocina|dormitorio|habitacion|cuarto|comedor|sala|bano|altavoz|"
    r"altavoces)"
)
_POLITE_WORDS = (
    r"(?:hey|hi|hello|yo|ok|okay|oye|hola|ey|eh|please|pls|plz|kindly|por ?favor|porfa|porfis|just|so|"
    r"and|also|tambien|y|bot|dj|buddy|bro|mate|dude|amigo|tio|spotify|alexa|siri|google|ok google|hey google|"
    r"cortana|computer|hold on|hang on|wait|espera|esperate|un momento|plis|pliz|porfi|xfa|x favor)"
)
_PREFIX_RE = re.compile(
    r"^(?:"
    rf"{_POLITE_WORDS}\b[\s,:!.]*"
    r"|(?:can|could|would|will|wont|won't)\s+(?:you|u|ya)\b(?:\s+(?:please|pls|kindly|just|maybe))*[\s,]*"
    r"|(?:can|could|may)\s+(?:we|i)\s+(?:please\s+)?"
    r"|(?:i\s+)?(?:want|need|would like|'?d like|wish|wanna)\s+(?:you\s+)?to\s+"
    r"|i\s+wanna\s+|i'd like\s+(?:you\s+)?to\s+|id like\s+(?:you\s+)?to\s+"
    r"|let'?s\s+|lets\s+|go ahead and\s+|do me a favou?r and\s+|try to\s+|try and\s+"
    r"|(?:me\s+)?(?:puedes|podrias|podria|puede|pueden|podrian|quieres|quiere|podes)\b(?:\s+por favor)?\s*"
    r"|(?:quiero|necesito|quisiera)\s+que\s+|(?:me\s+)?(?:haces|hace|harias)\s+el\s+favor\s+de\s+"
    rf"|(?:open|use|launch|using|go to|on|abre|usa|en)\s+(?:the\s+)?{_SERVICE}\b(?:\s+app)?(?:\s*(?:,|and|to|y|para|then))?\s+"
    r")"
)
_SUFFIX_RE = re.compile(
    r"(?:[\s,]+(?:please|pls|plz|plox|pleasee|thanks|thank you|thank u|thx|ty|por ?favor|porfa|porfis|porfi|plis|"
    r"pliz|xfa|x favor|gracias|"
    r"bot|dude|man|bro|mate|tio|amigo|for me|for us|asap|ok|okay|vale|"
    r"quickly|rapido|thanks a lot|muchas gracias))+$"
)
_LOC_ANY_RE = re.compile(
    rf"\b(?:(?:on|in|at|en|del|de|from)\s+)?(?:(?:the|el|la|my|mi)\s+)?{_LOC}\b(?:\s+(?:media player|player))?"
)
_LOC_TAIL_RE = re.compile(
    rf"\s+(?:on|in|at|en)\s+(?:the\s+|el\s+|la\s+|my\s+|mi\s+)?{_LOC}(?:\s+(?:media player|player|speakers?))?$"
)
_SERVICE_TAIL_RE = re.compile(
    rf"\s+(?:on|in|using|with|via|through|from|off|off of|at|en|de|desde|por|con|by)\s+(?:the\s+|my\s+|mi\s+)?"
    rf"{_SERVICE}(?:\s+(?:app|service|music|radio))?$"
)
_SPLIT_RE = re.compile(
    r"\s*[,;]\s*(?:(?:and|y|e)\s+)?(?:(?:then|luego|despues|tambien|also)\s+)?"
    r"|\.\s+"
    r"|\s+(?:and|y|e|&|plus)\s+(?:(?:then|luego|despues|tambien|also|after that)\s+)?"
    r"|\s+(?:then|luego|despues|after that)\s+"
)

_N = NUMBER_PATTERN
_PCT = r"(?:\s*(?:%|percent|per cent|por ciento|porciento|pct))?"

# ---------------------------------------------------------------------------------------------------------
# Control commands (matched on the punctuation-free folded clause, whole clause only)
# ---------------------------------------------------------------------------------------------------------

_ART = r"(?:the|this|that|my|current|el|la|esta|este|esto|eso|mi|lo|los|las|tu)"
_THING = (
    r"(?:song|track|tune|music|item|one|playback|audio|media player|media|player|show|video|sound|cancion|"
    r"pista|tema|elemento|musica|rola|reproduccion|reproductor|medio|audio|trash|crap|garbage|junk|shit|basura|"
    r"mierda|porqueria|cosa|wea)"
)
_OBJ = (
    rf"(?:(?:{_ART}\s+)?(?:current\s+)?{_THING}(?:\s+actual)?|it|this|that|everything|esto|eso|todo|this one|"
    r"that one)"
)

_PAUSE_RE = re.compile(
    r"(?:pause|pausa|pausar|pausalo|pausala|pauses|pausen|pausame|pausarla|pausarlo|pausad|pasue|puase|paus|"
    r"stop|stop playing|para|parar|paralo|parala|pares|pararla|pare|paren|parad|deten|detener|detenlo|detenla|"
    r"detengas|detenerla|detene|detened|detenga|detengan|"
    r"hit pause|(?:put|pon|ponle|poner|dale|dale a|dale al)\s+(?:(?:it|the music|la musica|el|la)\s+)?(?:on\s+)?(?:a\s+|en\s+)?pausa?|"
    r"deja de (?:sonar|reproducir|tocar)|para de (?:sonar|reproducir|tocar))"
    rf"(?:\s+{_OBJ})?(?:\s+(?:for a|un)\s+(?:sec|second|moment|bit|minute|momento|segundo|rato|momentito))?"
)
_RESUME_RE = re.compile(
    r"(?:resume|unpause|un pause|continue|continue playing|keep playing|keep going|go on|carry on|hit play|"
    r"press play|start (?:the music|playing|the song|it) again|reanude|reanuden|reanudad|continuad|continuen|"
    r"sigan|seguid|vuelve a poner|volve a poner|vuelve a reproducir|"
    r"reanuda|reanudar|reanudalo|reanudala|reanudes|continua|continuar|continues|sigue|seguir|sigue sonando|"
    r"sigue reproduciendo|sigue tocando|reactiva|reactivar|despausa|despausar|quita la pausa|"
    r"quitale la pausa|quitar la pausa|dale play|dale al play|dale a play|vuelve a sonar)"
    rf"(?:\s+(?:con|with))?(?:\s+{_OBJ})?(?:\s+(?:playing|sonando))?"
)
_NEXT = r"(?:next|nxt|siguiente|following|proxima|proximo)"
_SKIP_RE = re.compile(
    r"(?P<v>skip|skip ahead|skip over|skip past|salta|saltar|saltate|saltala|saltalo|saltes|salte|saltea|"
    r"saltear|pasa|pasar|pasala|pasalo|pases|cambia|cambiala|cambialo|cambiar|cambies|go|move|move on|jump|"
    r"pon|ponme|pone|play|reproduce|reproducir|ir|ve|vamos|on|onto|dale|quita|quitala|quitalo)"
    r"(?:\s+(?:to|on to|onto|a|al|hasta|de|over))?(?P<art>\s+(?:the|la|el|this|that|esta|este|esto|eso|it|a))?"
    rf"(?:\s+current)?(?:\s+(?P<n>{_NEXT}|que sigue))?(?P<t>\s+{_THING})?(?:\s+actual)?(?:\s+(?P<n2>{_NEXT}|one))?"
)
_SKIP_WORD_VERBS = frozenset(
    [
        "skip",
        "skip ahead",
        "skip over",
        "skip past",
        "salta",
        "saltar",
        "saltate",
        "saltala",
        "saltalo",
        "saltes",
        "salte",
        "saltea",
        "saltear",
        "pasa",
        "pasar",
        "pasala",
        "pasalo",
        "pases",
        "cambia",
        "cambiala",
        "cambialo",
        "cambiar",
        "cambies",
        "move on",
        "quita",
        "quitala",
        "quitalo",
    ]
)
_NEXT_RE = re.compile(
    rf"(?:(?:the|la|el)\s+)?{_NEXT}(?:\s+{_THING})?(?:\s+(?:one|please|up))?|(?:la|el) que sigue"
)
_SKIP_N_RE = re.compile(
    r"(?:skip|skip ahead|skip forward|salta|saltar|saltate|pasa|pasar|adelanta|avanza|go forward|jump)"
    rf"(?:\s+(?:the next|las siguientes|los siguientes|las proximas|los proximos|ahead))?\s+(?P<n>{_N}|twice)"
    r"(?:\s+(?P<unit>songs|tracks|tunes|canciones|pistas|temas|times|veces))?(?:\s+(?:ahead|forward|adelante|mas))?"
)
_SKIP_TWICE_RE = re.compile(
    r"(?:skip|salta|saltar|pasa)(?:\s+(?:it|this|esto))?\s+(?P<n>twice|dos veces|two times)"
)

_PREV_SIMPLE_RE = re.compile(
    r"(?:(?:the|la|el)\s+)?(?:previous|prev|anterior)(?:\s+(?:song|track|tune|one|item|cancion|pista|tema|elemento))?"
    r"|(?:(?:the|la|el)\s+)?(?:song|track|cancion|pista|tema) (?:anterior|before|de antes)"
    r"|back|atras|go back|skip back|skip backwards|go backwards|(?:go\s+)?back one(?:\s+(?:song|track|tune))?|"
    r"(?:atras|regresa|retrocede|vuelve)\s+(?:una|1)\s+(?:cancion|pista|tema|rola)|retrocede|retroceder|"
    r"regresa|vuelve atras|volver atras|ve atras|ir atras|hacia atras|pa tras|para atras"
)
_PREV_RE = re.compile(
    r"(?P<v>go back|go|skip back|skip|jump back|jump|move back|move|step back|back|take me back|vuelve atras|"
    r"volver a (?:escuchar|poner|reproducir|oir|ver|sonar)|vuelve a (?:escuchar|poner|reproducir|oir|ver|sonar)|"
    r"vuelve|volve|volver|regresa|regresar|retrocede|retroceder|ir|ve|vete|pon|ponme|pone|play|replay|reproduce|"
    r"reproducir|reproduceme|escuchar|escucha|oir|ver|put on|listen to|hear)"
    r"(?:\s+(?P<a0>again|once more|one more time|otra vez|de nuevo|una vez mas|nuevamente))?"
    r"(?:\s+(?:back|backwards|atras))?(?:\s+(?:to|a|al|hasta|on))?(?:\s+(?:the|la|el|a|una|un))?"
    r"(?:\s+(?P<adj>previous|last|prior|anterior|ultima|ultimo))?"
    r"(?:\s+(?P<thing>song|track|tune|one|item|cancion|pista|tema|elemento|medio|video|rola))?"
    r"(?:\s+(?P<adj2>anterior|before|de antes|before this(?: one)?))?"
    r"(?:\s+(?P<a1>again|once more|one more time|otra vez|de nuevo|una vez mas|nuevamente))?"
)
_PREV_BACK_VERBS = frozenset(
    [
        "go back",
        "skip back",
        "jump back",
        "move back",
        "step back",
        "back",
        "take me back",
        "vuelve atras",
        "regresa",
        "regresar",
        "retrocede",
        "retroceder",
    ]
)
_PREV_AGAIN_VERBS = frozenset(
    ["replay", "reproduce", "reproducir", "reproduceme", "escuchar", "escucha", "oir", "ver"]
)
_RESTART_RE = re.compile(
    r"(?:restart|reinicia|reiniciar|reiniciala|start over|start again from the (?:beginning|start|top)|"
    r"empieza de nuevo|empezar de nuevo|vuelve a empezar|volver a empezar|comienza de nuevo|"
    r"replay|play|start|pon|ponla|ponme|reproduce|reproducir|go back|vuelve|volver|regresa)?"
    r"(?:\s+(?:the|this|la|esta|el|este|it|la cancion|el tema))?(?:\s+(?:song|track|tune|cancion|tema|pista|one))?"
    r"(?:\s+(?:over|again|otra vez|de nuevo))?"
    r"(?:\s*(?:from the|to the|desde el|al|desde|from|to)\s+(?:beginning|start|top|principio|inicio|comienzo)"
    r"(?:\s+(?:of\s+(?:the|this)\s+(?:song|track)|de\s+la\s+cancion|del\s+tema))?)?"
)
_RESTART_VERB_RE = re.compile(
    r"(?:start|empieza|empezar|comienza|comenzar|inicia|iniciar)\s+(?:the|this|la|esta|el|este)\s+"
    r"(?:song|track|tune|cancion|tema|pista)\s+(?:over|again|de nuevo|otra vez|desde cero)"
)
_RESTART_WORDS = re.compile(
    r"restart|reinicia|start over|empieza de nuevo|empezar de nuevo|vuelve a empezar|volver a empezar|"
    r"comienza de nuevo|beginning|principio|inicio|comienzo|from the top|from the start|to the start"
)

_SEEK_POS_RE = re.compile(
    r"(?:seek|go|skip|jump|move|fast forward|forward|rewind|take me|start|play|resume|start playing|continue|"
    r"ve|ir|vete|salta|saltar|saltate|adelanta|adelantar|avanza|avanzar|pon|ponla|ponlo|ponme|reproduce|"
    r"mueve|muevete|llevala|llevalo|lleva|retrocede|regresa|vuelve|empieza|comienza)"
    r"(?:\s+(?:it|the song|this song|the track|la cancion|el tema))?"
    r"\s+(?:to|from|at|al|a|hasta el|hasta|desde el|desde|en el)"
    r"(?:\s+(?:the|el))?(?:\s+(?P<u>minute|min|minuto|second|segundo|position|mark|timestamp|posicion))?"
    r"\s+(?P<t>[\w: ]+?)(?:\s+mark)?"
)
_SEEK_FWD = frozenset(
    [
        "fast forward",
        "forward",
        "skip ahead",
        "skip forward",
        "skip",
        "jump ahead",
        "jump forward",
        "jump",
        "go forward",
        "go ahead",
        "move forward",
        "advance",
        "ahead",
        "adelanta",
        "adelantar",
        "adelantala",
        "adelantalo",
        "avanza",
        "avanzar",
        "salta",
        "saltar",
        "saltate",
        "pasa",
        "adelante",
        "go",
    ]
)
_SEEK_BACK = frozenset(
    [
        "rewind",
        "go back",
        "back",
        "skip back",
        "skip backwards",
        "jump back",
        "move back",
        "rewind back",
        "back up",
        "retrocede",
        "retroceder",
        "retrocedela",
        "atrasa",
        "atrasar",
        "atrasala",
        "regresa",
        "regresar",
        "vuelve",
        "rebobina",
        "rebobinar",
        "retrasa",
        "echa atras",
        "vuelve atras",
        "atras",
        "go backwards",
    ]
)
_SEEK_BARE_OK = frozenset(
    [
        "fast forward",
        "forward",
        "rewind",
        "adelanta",
        "adelantar",
        "adelantala",
        "adelantalo",
        "avanza",
        "avanzar",
        "retrocede",
        "retroceder",
        "retrocedela",
        "atrasa",
        "atrasar",
        "atrasala",
        "rebobina",
        "rebobinar",
        "retrasa",
    ]
)
_SEEK_VERB = "|".join(sorted(_SEEK_FWD | _SEEK_BACK, key=len, reverse=True))
_SEEK_AMOUNT = r"(?:(?:it|the song|the track|la cancion|el tema)\s+)?(?:(?:by|unos|some)\s+)?(?P<t>[\w: ]+?)"
_SEEK_DIR = r"forwards?|ahead|back|backwards|adelante|atras|hacia adelante|hacia atras|para atras|pa tras|mas|more|further"
_SEEK_DELTA_RE = re.compile(rf"(?:(?P<v>{_SEEK_VERB})\s+)?{_SEEK_AMOUNT}(?:\s+(?P<d>{_SEEK_DIR}))?")
# What _seek_delta can accept: a verb or a direction (the regex alone takes almost any words).
_SEEK_DELTA_GATE = (
    rf"(?:{_SEEK_VERB})\s+{_SEEK_AMOUNT}(?:\s+(?:{_SEEK_DIR}))?"
    rf"|(?:(?:{_SEEK_VERB})\s+)?{_SEEK_AMOUNT}\s+(?:{_SEEK_DIR})"
)
_SEEK_UNIT_RE = re.compile(
    r"(?:pon|ponla|ponlo|ve|vete|ir|salta|go|jump|skip)\s+(?:(?:to|al|a|hasta)\s+)?(?:the|el)\s+"
    r"(?P<u>minuto|minute|segundo|second)\s+(?P<t>[\w:]+(?: y [\w]+)?)"
)
_SEEK_DIR_BACK = frozenset(["back", "backwards", "atras", "hacia atras", "para atras", "pa tras"])

_VOLWORD = r"(?:(?:the|el|my|la)\s+)?(?:volume|volumen|vol|sound|sonido|audio)"
_VOL_VERB = (
    r"(?:set|change|put|turn|adjust|bring|make|move|switch|increase|raise|lower|decrease|reduce|drop|boost|"
    r"pump|crank|get|take|turn up|turn down|turn it up|turn it down|put up|put down|bring up|bring down|"
    r"pon|poner|ponme|ponlo|ponla|ponle|cambia|cambiar|cambialo|ajusta|ajustar|ajustalo|deja|dejar|dejalo|"
    r"sube|subir|subelo|subele|baja|bajar|bajale|bajalo|establece|establecer|coloca|colocar|fija|fijar|"
    r"lleva|llevar|mete|dale)"
)
_VOL_LEVEL_RE = re.compile(
    rf"(?:(?P<v>{_VOL_VERB})\s+)?(?:(?:it|up|down|the music|la musica|lo|le|music)\s+)*(?P<w>{_VOLWORD})?"
    r"(?:\s+(?:up|down|de la musica|of the music))?\s*(?P<p>to|at|a|al|en|hasta|hasta el|on)\s+(?P<n>"
    + _N
    + r")"
    + _PCT
)
_VOL_BARE_RE = re.compile(
    rf"(?:{_VOLWORD}\s+(?:is\s+|at\s+|level\s+)?(?P<n>{_N}){_PCT}|(?P<n2>{_N}){_PCT}\s+(?:volume|volumen|de volumen))"
)
_UP_VERBS = frozenset(
    [
        "increase",
        "raise",
        "boost",
        "pump",
        "crank",
        "turn up",
        "turn it up",
        "put up",
        "bring up",
        "sube",
        "subir",
        "subelo",
        "subele",
    ]
)
_DOWN_VERBS = frozenset(
    [
        "lower",
        "decrease",
        "reduce",
        "drop",
        "turn down",
        "turn it down",
        "put down",
        "bring down",
        "baja",
        "bajar",
        "bajale",
        "bajalo",
    ]
)
_MOD_SMALL = r"a notch|one notch|a step|a tiny bit|tantito|un tantito|un poquitito|poquitin|un poquitin|a bit|a little|a little bit|a tad|slightly|a touch|un poco|un poquito|poquito|un pelin|un pelo|little|bit|some|a bit more|a little more|un poco mas|mas"
_MOD_BIG = r"a lot|lots|much|way|way up|way down|mucho|muchisimo|bastante|a ton|loads|really|heaps"
_UP_CORE = (
    r"(?:turn|crank|pump|bring|put|kick|jack|boost)(?:\s+(?:it|this|that|the music|the volume|the sound|things|the song|music|volume|sound|the tunes))?\s+up"
    r"|(?:turn|crank|pump|bring|put|boost)\s+up(?:\s+(?:the\s+)?(?:volume|music|sound|it|tunes))?"
    r"|louder|(?:make|get)\s+(?:it|the music|this|the sound)\s+louder|volume up|vol up|sound up"
    r"|up the (?:volume|music|sound)|(?:increase|raise|boost)\s+(?:the\s+)?(?:volume|sound|it|music)"
    r"|more volume|more sound|crank it|loud(?:er)?"
    r"|(?:sube|subi|subid|suba|suban|subanle|subile|subele|subelo|subir|subirle|subale|sube\s+le|aumenta|aumente|"
    r"aumentad|aumentar|incrementa|incremente)(?:\s+(?:el volumen|la musica|el sonido|la|volumen|eso|esto))?"
    r"|(?:(?:dale|ponle|pon|ponme|ponlo|ponla)\s+)?mas (?:alto|fuerte|recio|volumen)|volumen (?:arriba|mas alto)"
    r"|mas volumen|sube volumen"
)
_DOWN_CORE = (
    r"(?:turn|bring|put|take)(?:\s+(?:it|this|that|the music|the volume|the sound|things|the song|music|volume|sound|the tunes))?\s+down"
    r"|(?:turn|bring|put|take)\s+down(?:\s+(?:the\s+)?(?:volume|music|sound|it|tunes))?"
    r"|quieter|softer|(?:make|get)\s+(?:it|the music|this|the sound)\s+(?:quieter|softer)|volume down|vol down|sound down"
    r"|down the (?:volume|music|sound)|(?:lower|decrease|reduce|drop)(?:\s+(?:the\s+)?(?:volume|sound|it|music))?"
    r"|less volume|less loud|not so loud|too loud"
    r"|(?:baja|bajale|bajalo|bajar|bajarle|bajale|baje|bajad|bajen|bajenle|bajele|disminuye|disminuya|disminuir|"
    r"reduce|reduzca)(?:\s+(?:el volumen|la musica|el sonido|la|volumen|eso|esto))?"
    r"|mas (?:bajo|bajito|suave|despacio|flojo)|menos volumen|volumen (?:abajo|mas bajo)|baja volumen"
)
_VOL_DELTA_RE = re.compile(
    rf"(?:(?P<pre>{_MOD_SMALL}|{_MOD_BIG})\s+)?(?:(?P<up>{_UP_CORE})|(?P<down>{_DOWN_CORE}))"
    rf"(?:\s+(?:(?P<small>{_MOD_SMALL})|(?P<big>{_MOD_BIG})|(?:by\s+|en\s+|un\s+)?(?P<n>{_N}){_PCT}(?:\s+(?:points|puntos|notches|steps|more|mas))?))?"
    rf"(?:\s+{_VOLWORD})?(?:\s+(?:please|more|mas))?"
)
_VOL_MAX_RE = re.compile(
    r"(?:max|maximum|full|maxed|all the way)\s+(?:the\s+)?(?:volume|sound)"
    r"|(?:the\s+)?(?:volume|sound)\s+(?:to\s+|at\s+)?(?:the\s+)?(?:max|maximum|full|100 percent)"
    r"|(?:turn|crank|pump|put|set|bring|max|blast)(?:\s+(?:it|the volume|the music|this|volume|music))?(?:\s+up)?\s+(?:to\s+)?(?:the\s+)?(?:max|maximum|full)(?:\s+volume)?"
    r"|(?:turn|crank|pump)\s+(?:it|the volume|the music|this)\s+all the way up|all the way up|max it out|max volume|maximum volume|full volume|full blast"
    r"|(?:(?:sube|subir|subelo|subele|pon|poner|ponlo|ponle|ponla|dale|pon el volumen|sube el volumen|subir el volumen|volumen|el volumen|musica|la musica)\s+)?(?:a tope|al maximo|al max|a todo volumen|a todo lo que da|a toda potencia|a full)"
    r"|volumen (?:al )?maximo|volumen a tope|maximo volumen|todo el volumen|a todo volumen|a tope"
)
_VOL_HALF_RE = re.compile(
    r"(?:(?:set|put|turn)\s+(?:the\s+)?volume\s+(?:to\s+)?half(?:\s+way)?|half volume|(?:pon|ponlo|poner|baja|sube)?\s*(?:el\s+)?volumen\s+a la mitad|(?:pon|ponlo|baja|bajalo|sube|subelo)\s+a la mitad)"
)
_MUTE_RE = re.compile(
    r"(?:mute|silence|silencio|silencia|silenciar|silencialo|silenciala|mutea|mutear|mutealo|mutear)"
    r"(?:\s+(?:it|this|the music|the sound|the audio|the volume|everything|audio|sound|la musica|el sonido|el audio|todo|eso|esto|el volumen))?"
    r"|sin sonido|quita el sonido|quitale el sonido|(?:turn|switch) (?:the )?(?:sound|volume) off|(?:turn|switch) off the (?:sound|volume)"
)

_NOW_PLAYING_RE = re.compile(
    r"(?:whats|what is|what s|whats the|wats|wuts)\s+(?:this|that|the|the current|current)?\s*(?:song|track|tune)"
    r"(?:\s+(?:called|playing|now|right now|on|playing now|playing right now|thats playing|that is playing|this is|rn))?"
    r"|(?:whats|what is|what s)\s+(?:playing|on|playing now|playing right now|currently playing|on now|now playing|this song|this track|this tune|this one)"
    r"|(?:whats|what is)\s+(?:the\s+)?(?:name|title)\s+of\s+(?:this|the|that|the current)\s+(?:song|track|tune)"
    r"|(?:what|which)\s+(?:song|track|tune)\s+(?:is|s)\s+(?:this|that|playing|on|it|playing now|playing right now|on now|currently playing)"
    r"|(?:what|which)\s+(?:song|track|tune)\s+(?:are you playing|are we listening to|am i listening to|is this playing)"
    r"|what am i listening to|what are we listening to|what are you playing|now playing|np|current song|current track"
    r"|song name|track name|name of (?:this|the) song|what song|whats playing|what is playing"
    r"|(?:que|q)\s+(?:suena|esta sonando|estas poniendo|estas tocando|se esta reproduciendo|se escucha|suena ahora|esta sonando ahora"
    r"|estoy escuchando|estamos escuchando|es lo que suena|cancion es|cancion es esta|cancion es esta que suena|cancion suena"
    r"|cancion esta sonando|tema es este|tema es|tema suena|cancion estas poniendo|pones|estas reproduciendo)"
    r"|(?:cual|como se llama)\s+(?:es\s+)?(?:esta|la|este)\s+(?:cancion|tema)(?:\s+que\s+(?:suena|esta sonando))?"
    r"|cancion actual|tema actual|nombre de (?:la|esta) cancion"
    r"|(?:wat|wut|wht|what)\s+(?:song|track)\s+(?:is\s+)?(?:this|that|playing)"
    r"|(?:que|q)\s+(?:rola|tema|cancion)\s+es\s+(?:esta|este|esa|ese)"
)
_SHOW_QUEUE_RE = re.compile(
    r"(?:(?:show|see|view|list|display|check|get|print|open)(?:\s+(?:me|us))?\s+)?(?:the\s+|my\s+|our\s+|current\s+)?"
    r"(?:queue|up next|play queue|song queue|playing queue|queue list)"
    r"|(?:whats|what is|what s)\s+(?:in|on)\s+(?:the|my)\s+queue"
    r"|(?:whats|what is|what s)\s+(?:next|up next|coming up|coming next|coming up next|after this)(?:\s+in the queue)?"
    r"|what (?:songs|tracks) are (?:next|in the queue|coming up|queued)"
    r"|(?:(?:muestra|muestrame|mostrar|mostrame|ensena|ensename|ver|dime|lista|listar|abre)\s+)?(?:la\s+)?cola(?:\s+de reproduccion)?"
    r"|que (?:hay|tengo|queda) en (?:la )?cola|que (?:viene|sigue) (?:despues|luego|ahora|a continuacion)|que sigue|que viene despues"
    r"|que canciones (?:siguen|vienen|hay en la cola)"
)
_LIKE_RE = re.compile(
    r"(?:like|heart|save|guarda|guardar|guardala|guardalo|dale like|dale me gusta|dale corazon|marca como favorita|"
    r"add|anade|agrega|mete|pon)"
    r"(?P<obj>\s+(?:this|it|this song|this track|the song|the track|that|that song|the current song|this one|"
    r"what s playing|whats playing|esta|esto|esta cancion|la cancion|este tema|esta rola|la|a esta|a esto|"
    r"a esta cancion|a la cancion|a este tema|a esta rola))?"
    r"(?P<dest>\s+(?:to|in|into|a|en|entre)\s+(?:my\s+|mis\s+|la\s+|tu\s+|the\s+)?(?:library|liked songs|liked|likes|favorites|"
    r"favourites|favoritos|me gusta|biblioteca|canciones que me gustan|saved songs|collection|coleccion))?"
)
_LIKE_FAV_RE = re.compile(
    r"(?:marca|marcala|pon|ponla)\s+(?:(?:esta cancion|esta|la cancion|este tema)\s+)?como\s+(?:favorita|favorito)"
)
_LIKE_BARE = frozenset({"like", "dale like", "dale me gusta", "dale corazon", "like it", "like this"})
_DEVICES_RE = re.compile(
    r"(?:(?:show|list|see|view|get|display|check)(?:\s+(?:me|us))?\s+)?(?:my\s+|the\s+|all\s+|available\s+|the available\s+|"
    r"my available\s+|connected\s+|all my\s+|all the\s+)?(?:spotify\s+)?devices(?:\s+(?:available|list))?"
    r"|(?:what|which)\s+devices\s+(?:are there|are available|do i have|are connected|can i use|are online|do we have)(?:\s+(?:available|connected))?"
    r"|(?:(?:muestra|muestrame|mostrar|lista|listar|ver|ensename|ensena)\s+)?(?:mis\s+|los\s+)?dispositivos(?:\s+disponibles)?"
    r"|que dispositivos (?:hay|tengo|tienes|estan disponibles)(?:\s+disponibles)?|cuales son (?:mis|los) dispositivos"
    r"|(?:what|which)\s+devices\s+can\s+(?:i|we|you)\s+(?:play on|use|play to)|lista de dispositivos"
    r"|(?:show|list|see|view)(?:\s+(?:me|us))?\s+(?:my|the|all|available|the available)\s+(?:speakers|players)"
    r"|(?:muestra|muestrame|lista|ver)\s+(?:mis|los)\s+(?:altavoces|bocinas|parlantes)"
)
_HELP_RE = re.compile(
    r"help|ayuda|ayudame|help me|commands|comandos|what can you do|what can i (?:say|ask|do)|how do i use (?:you|this|this bot|the bot)"
    r"|how does this work|que puedes hacer|que sabes hacer|como te uso|como funcionas|como funciona esto|lista de comandos"
    r"|(?:show|list)(?:\s+me)?\s+(?:the\s+|your\s+)?commands|help please|necesito ayuda"
    r"|what commands (?:are there|do you have|can i use|do you know)|(?:show|get|open)(?:\s+me)?\s+(?:the\s+)?help"
    r"|como (?:se usa|uso) (?:esto|este|este bot|el bot)"
)
_SHUFFLE_OFF_RE = re.compile(
    r"(?:turn|switch|put|set)\s+off\s+(?:the\s+)?shuffle(?:\s+mode)?|(?:turn|switch|set)\s+(?:the\s+)?shuffle(?:\s+mode)?\s+off"
    r"|(?:disable|deactivate|stop)\s+(?:the\s+)?shuffle(?:\s+mode)?|shuffle(?:\s+mode)?\s+off|unshuffle|stop shuffling|no (?:more )?shuffle"
    r"|(?:desactiva|desactivar|quita|quitar|apaga|apagar|quitale)\s+(?:el\s+|la\s+)?(?:modo\s+)?(?:aleatorio|shuffle|reproduccion aleatoria|random)"
    r"|(?:modo\s+)?aleatorio\s+(?:off|desactivado|no)|sin aleatorio|no aleatorio"
)
_SHUFFLE_ON_RE = re.compile(
    r"(?:turn|switch|put|set)\s+on\s+(?:the\s+)?shuffle(?:\s+mode)?|(?:turn|switch|set|put)\s+(?:the\s+)?shuffle(?:\s+mode)?\s+on"
    r"|(?:enable|activate|start)\s+(?:the\s+)?shuffle(?:\s+mode)?"
    r"|shuffle(?:\s+(?:on|mode on|mode|it|this|the queue|the playlist|the music|it up|the songs|things up|please))?"
    r"|(?:activa|activar|pon|poner|enciende|prende|ponlo en|ponla en|pon en)\s+(?:el\s+|la\s+)?(?:modo\s+)?(?:aleatorio|shuffle|reproduccion aleatoria|random)"
    r"|(?:modo\s+)?aleatorio(?:\s+(?:on|activado|si))?|mezcla|mezclar|mezcla(?:la|las)?\s+(?:la cola|las canciones|la lista|la playlist)"
    r"|reproduccion aleatoria|modo random|random mode|en aleatorio"
    r"|(?:put|set|pon|ponlo|ponla)\s+(?:(?:it|this|the music|the queue|the playlist|la musica|la cola)\s+)?"
    r"(?:on|in|to|en)\s+(?:shuffle|aleatorio|random)(?:\s+mode)?"
)
_REPEAT_OFF_RE = re.compile(
    r"(?:turn|switch|set)\s+off\s+(?:the\s+)?(?:repeat|loop)(?:\s+mode)?|(?:turn|switch|set)\s+(?:the\s+)?(?:repeat|loop)(?:\s+mode)?\s+off"
    r"|(?:disable|deactivate|stop)\s+(?:the\s+)?(?:repeat|repeating|loop|looping)(?:\s+mode)?|(?:repeat|loop)(?:\s+mode)?\s+off"
    r"|stop repeating|stop looping|no (?:more )?repeat|no repeat|deja de repetir|(?:sin|no) repetir(?: mas)?"
    r"|(?:desactiva|desactivar|quita|quitar|apaga|apagar)\s+(?:el\s+|la\s+)?(?:modo\s+)?(?:repetir|repeticion|bucle|repeat)"
)
_REPEAT_TRACK_RE = re.compile(
    r"(?:repeat|loop|repite|repetir)\s+(?:this|this song|this track|this one|the song|the track|the current song|current song|"
    r"track|song|one|esta|esta cancion|la cancion|este tema|cancion|el tema|la cancion actual)"
    r"|(?:put|set)\s+(?:this|this song|it|this track)\s+on\s+(?:repeat|loop)|on repeat|(?:repeat|loop) (?:mode )?(?:one|track|song)"
    r"|(?:pon|poner|ponla|ponlo)\s+(?:esta cancion\s+|la cancion\s+|esto\s+|esta\s+)?en (?:bucle|repeticion|repetir|loop)"
    r"|(?:repetir|repite)\s+(?:una|cancion)|en bucle|bucle"
)
_REPEAT_CONTEXT_RE = re.compile(
    r"(?:turn|switch|put|set)\s+on\s+(?:the\s+)?(?:repeat|loop)(?:\s+mode)?|(?:turn|switch|set)\s+(?:the\s+)?(?:repeat|loop)(?:\s+mode)?\s+on"
    r"|(?:enable|activate)\s+(?:the\s+)?(?:repeat|loop)(?:\s+mode)?"
    r"|repeat(?:\s+(?:on|all|mode|mode on|the playlist|the album|the queue|everything|context))?"
    r"|loop (?:the playlist|the album|the queue|all|everything)"
    r"|(?:activa|activar|pon|poner)\s+(?:el\s+|la\s+)?(?:modo\s+)?(?:repetir|repeticion|repeat)"
    r"|modo (?:repetir|repeticion)|repetir|repetir todo|repite todo|repite la (?:lista|playlist|cola)|repetir (?:la )?(?:lista|playlist|cola)"
)

_Builder = Callable[[re.Match[str]], Action | None]


def _limit(value: int | None, low: int, high: int) -> int | None:
    return value if value is not None and low <= value <= high else None


_SONG_WORDS = frozenset({"song", "track", "tune", "cancion", "tema", "rola", "pista"})


def _skip(m: re.Match[str]) -> Action | None:
    verb = m.group("v")
    has_next = bool(m.group("n") or (m.group("n2") and m.group("n2") != "one"))
    if verb == "quita" and not (m.group("art") and (m.group("t") or "").strip() in _SONG_WORDS):
        return None  # "quita esta cancion" skips; "quita" alone or "quita la musica" is something else
    if verb == "dale" and not has_next:
        return None
    if verb in _SKIP_WORD_VERBS or has_next:
        if verb in ("pon", "ponme", "pone", "play", "reproduce", "reproducir") and not has_next:
            return None
        return Skip()
    return None


def _skip_n(m: re.Match[str]) -> Action | None:
    raw = m.group("n")
    count = 2 if raw in ("twice", "dos veces", "two times") else parse_number(raw)
    if count is None:
        return None
    if m.groupdict().get("unit") is None and count > 10:
        return None  # "skip 30" is more likely seconds than thirty tracks
    return Skip(count=count) if 1 <= count <= 50 else None


def _previous(m: re.Match[str]) -> Action | None:
    verb = m.group("v")
    adj = m.group("adj")
    adj2 = m.group("adj2")
    thing = m.group("thing")
    again = m.group("a0") or m.group("a1")
    if adj in ("last", "ultima", "ultimo") and not thing:
        return None
    if verb in _PREV_BACK_VERBS:
        return (
            Previous()
            if (
                adj
                or adj2
                or not thing
                or thing in ("song", "track", "tune", "one", "cancion", "tema", "pista")
            )
            else None
        )
    if adj or adj2:
        return Previous()
    if again and (verb in _PREV_AGAIN_VERBS or verb.startswith(("volver a", "vuelve a"))):
        return Previous() if not thing else None
    if verb == "replay" and not thing:
        return Previous()
    return None


def _restart(m: re.Match[str]) -> Action | None:
    return Seek(position_s=0) if _RESTART_WORDS.search(m.group(0)) else None


def _replay_this(m: re.Match[str]) -> Action | None:
    return Seek(position_s=0)


_REPLAY_THIS_RE = re.compile(
    r"(?:replay|restart)\s+(?:this|this song|this track|the song|the current song|it|this one)"
)


def _seek_position(m: re.Match[str]) -> Action | None:
    unit = m.group("u")
    raw = m.group("t").strip()
    if unit in ("minute", "min", "minuto"):
        if ":" in raw:
            pos = parse_duration(raw)
        else:
            whole = parse_number(raw)
            pos = whole * 60 if whole is not None else None
    else:
        pos = parse_duration(raw, bare_seconds=unit in ("second", "segundo"))
    return Seek(position_s=pos) if _limit(pos, 0, 24 * 3600) is not None else None


def _seek_delta(m: re.Match[str]) -> Action | None:
    verb = m.group("v")
    direction = m.group("d")
    if not verb and not direction:
        return None
    seconds = parse_duration(m.group("t"), bare_seconds=verb in _SEEK_BARE_OK)
    if not seconds or seconds > 24 * 3600:
        return None
    back_verb = verb in _SEEK_BACK if verb else None
    back_dir = direction in _SEEK_DIR_BACK if direction else None
    if (
        back_verb is not None
        and back_dir is not None
        and back_verb != back_dir
        and direction not in ("mas", "more")
    ):
        return None
    back = (
        back_dir if back_dir is not None and direction not in ("mas", "more", "further") else bool(back_verb)
    )
    return Seek(delta_s=-seconds if back else seconds)


def _volume_level(m: re.Match[str]) -> Action | None:
    verb = m.group("v")
    word = m.group("w")
    prep = m.group("p")
    if not verb and not word and prep != "al":
        return None
    level = parse_number(m.group("n"))
    if level is None or not 0 <= level <= 100:
        return None
    if prep == "en" and verb in (_UP_VERBS | _DOWN_VERBS):
        return Volume(delta=-level if verb in _DOWN_VERBS else level) if level else None
    return Volume(level=level)


def _volume_bare(m: re.Match[str]) -> Action | None:
    level = parse_number(m.group("n") or m.group("n2"))
    return Volume(level=level) if level is not None and 0 <= level <= 100 else None


def _volume_delta(m: re.Match[str]) -> Action | None:
    step = DEFAULT_STEP
    pre = m.group("pre") or ""
    if m.group("big") or re.fullmatch(_MOD_BIG, pre):
        step = BIG_STEP
    if m.group("n"):
        n = parse_number(m.group("n"))
        if n is None or not 1 <= n <= 100:
            return None
        step = n
    return Volume(delta=-step if m.group("down") else step)


def _const(action: Action) -> _Builder:
    return lambda _m: action


# Phrasings that the tables above do not cover, kept narrow: "turn off the music", "another song", "next 3 songs".
_STOP_MUSIC_RE = re.compile(
    r"(?:turn|switch|shut)\s+off\s+(?:the\s+)?(?:music|song|player|spotify|playback)"
    r"|(?:turn|switch|shut)\s+(?:the\s+music|the\s+song|the\s+player|it)\s+off"
    r"|halt(?:\s+(?:the\s+)?(?:music|song|playback))?"
    r"|apaga(?:r|la|lo)?(?:\s+(?:la musica|la cancion|el reproductor|la reproduccion|esto|eso))?"
)
_ANOTHER_SONG_RE = re.compile(
    r"(?:(?:play|put on|pon|ponme)\s+)?(?:another|a different)\s+(?:song|track|one|tune)"
    r"|(?:(?:pon|ponme)\s+)?otra\s+(?:cancion|rola|pista)"
    r"|change\s+(?:the\s+|this\s+)?(?:song|track)"
)
_NEXT_N_RE = re.compile(rf"next\s+(?P<n>{_N})\s+(?P<unit>songs|tracks|tunes)")
_VOL_SET_BARE_RE = re.compile(
    rf"(?:set|put|adjust|pon|poner|ajusta|ajustar|fija|fijar)\s+(?:the\s+|el\s+)?(?:volume|volumen)\s+(?P<n>{_N}){_PCT}"
)


_CONTROL_RULES: tuple[tuple[re.Pattern[str], _Builder], ...] = (
    (_REPLAY_THIS_RE, _replay_this),
    (_RESTART_RE, _restart),
    (_RESTART_VERB_RE, _replay_this),
    (_SEEK_POS_RE, _seek_position),
    (_SEEK_UNIT_RE, _seek_position),
    (_SEEK_DELTA_RE, _seek_delta),
    (_VOL_MAX_RE, _const(Volume(level=100))),
    (_VOL_HALF_RE, _const(Volume(level=50))),
    (_MUTE_RE, _const(Volume(level=0))),
    (_VOL_LEVEL_RE, _volume_level),
    (_VOL_BARE_RE, _volume_bare),
    (_VOL_SET_BARE_RE, _volume_bare),
    (_VOL_DELTA_RE, _volume_delta),
    (_SKIP_TWICE_RE, _skip_n),
    (_SKIP_N_RE, _skip_n),
    (_NEXT_N_RE, _skip_n),
    (_ANOTHER_SONG_RE, _const(Skip())),
    (_NEXT_RE, _const(Skip())),
    (_SKIP_RE, _skip),
    (_PREV_SIMPLE_RE, _const(Previous())),
    (_PREV_RE, _previous),
    (_PAUSE_RE, _const(Pause())),
    (_STOP_MUSIC_RE, _const(Pause())),
    (_RESUME_RE, _const(Resume())),
    (_NOW_PLAYING_RE, _const(NowPlaying())),
    (_SHOW_QUEUE_RE, _const(ShowQueue())),
    (_DEVICES_RE, _const(Devices())),
    (_HELP_RE, _const(Help())),
    (_SHUFFLE_OFF_RE, _const(Shuffle(on=False))),
    (_SHUFFLE_ON_RE, _const(Shuffle(on=True))),
    (_REPEAT_OFF_RE, _const(Repeat(mode="off"))),
    (_REPEAT_TRACK_RE, _const(Repeat(mode="track"))),
    (_REPEAT_CONTEXT_RE, _const(Repeat(mode="context"))),
)


def _like(key: str) -> Action | None:
    if _LIKE_FAV_RE.fullmatch(key):
        return Like()
    m = _LIKE_RE.fullmatch(key)
    if not m:
        return None
    verb_only = key.split(" ")[0]
    if m.group("dest"):
        return Like()
    if key in _LIKE_BARE or (
        m.group("obj") and verb_only in ("like", "heart", "save", "guarda", "guardar", "dale")
    ):
        return Like()
    if key in ("guardala", "guardalo"):
        return Like()
    return None


_POWER_ONLY_RE = re.compile(
    r"apaga|apagar|apagala|apagalo|enciende|prende|turn off|switch off|shut off|turn on|switch on|halt"
)
_NOW_SUFFIX_RE = re.compile(r"(?:\s+(?:now|right now|ahora|ahora mismo|ya|rn|immediately|enseguida))+$")


def _strip_polite(folded: str, start: int, end: int) -> tuple[int, int]:
    """Narrow [start, end) of `folded` past greetings, "can you", "please", "thanks" and the like."""
    for _ in range(6):
        m = _PREFIX_RE.match(folded, start, end)
        if not m or m.end() == start:
            break
        start = m.end()
        while start < end and folded[start] in " ,:":
            start += 1
    for _ in range(3):
        m = _SUFFIX_RE.search(folded[start:end])
        if not m or m.start() == 0:
            break
        end = start + m.start()
    while end > start and folded[end - 1] in _EDGE_CHARS:
        end -= 1
    return start, end


def _control(folded_clause: str) -> Action | None:
    """A control command when the whole clause is one, else None."""
    key = _key(folded_clause)
    if not key:
        return None
    return _per_message(("control", key), _control_key, key)


def _control_key(key: str) -> Action | None:
    start, end = _strip_polite(key, 0, len(key))
    key = _NOW_SUFFIX_RE.sub("", key[start:end]).strip()
    if not key:
        return None
    located = _WS_RE.sub(" ", _LOC_ANY_RE.sub(" ", key)).strip()
    if _POWER_ONLY_RE.fullmatch(located):
        located = key  # "apaga la tele": switching a device off is not pausing the music
    for candidate in (key, located) if located != key else (key,):
        if not candidate:
            continue
        action = _match_control(candidate)
        if action is not None:
            return action
    return None


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    """One regex matching what any of `patterns` matches (their named groups made plain: none refers back)."""
    return re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[a-z_0-9]+>', '(?:', p)})" for p in patterns))


# All control rules at once: most clauses are not control commands, and one regex says so faster than 33
# (a rule whose regex takes more than its builder accepts is gated by what the builder can accept).
_ANY_CONTROL_RE = _any_of(
    [_SEEK_DELTA_GATE if pattern is _SEEK_DELTA_RE else pattern.pattern for pattern, _ in _CONTROL_RULES]
)


def _match_control(key: str) -> Action | None:
    if _ANY_CONTROL_RE.fullmatch(key) is None:
        return _like(key)
    for pattern, build in _CONTROL_RULES:
        m = pattern.fullmatch(key)
        if m:
            action = build(m)
            if action is not None:
                return action
    return _like(key)


# ---------------------------------------------------------------------------------------------------------
# Play, queue and add-to-playlist requests (queries keep the user's original spelling)
# ---------------------------------------------------------------------------------------------------------

_PLAY_VERB_RE = re.compile(
    r"(?:play|playing|put on|start playing|listen to|hear|blast|spin|"
    r"pon|ponme|ponnos|pongas|pones|poner|ponle|ponga|pon a sonar|reproduce|reproduceme|reproducir|reproduzcas|"
    r"reproduzca|toca|tocame|tocar|toques|escuchar|quiero escuchar|quiero oir|quisiera escuchar|quisiera oir|"
    r"me gustaria escuchar|me gustaria oir|escuchemos|oigamos|hazme sonar|que suene)\s+"
)
_PUT_ON_TAIL_RE = re.compile(r"^put\s+(.+?)\s+on$")
_QUEUE_VERB_RE = re.compile(r"(?:queue|queue up|enqueue|encola|encolar)\s+")
_QUEUE_DEST_RE = re.compile(
    r"\s+(?:to|in|into|on|onto|at the end of|a|en|al final de)\s+(?:the\s+|my\s+|la\s+|mi\s+|tu\s+)?"
    r"(?:queue|cola|up next|cola de reproduccion|lista de espera)$"
)
_ADD_VERB_RE = re.compile(
    r"(?:add|put|stick|throw|include|insert|append|save|anade|agrega|agregar|anadir|mete|meter|pon|incluye|incluir|guarda)\s+"
)
_NEXT_TAIL_RE = re.compile(
    r"\s+(?:next|up next|after this(?: one| song)?|despues|a continuacion|luego|justo despues)$"
)
_ADD_PREP_RE = re.compile(r"\s(?:to|onto|into|in|on)\s")
_ADD_PREP_ES_RE = re.compile(r"\s(?:a|en|al)\s")
_ES_ADD_VERBS = frozenset(
    {"anade", "agrega", "agregar", "anadir", "mete", "meter", "pon", "incluye", "incluir", "guarda"}
)
_PL = r"(?:play ?list|playlists|palylist|playist|playlis|playlsit|plalist|playslist)"
_CALLED = r"(?:(?:called|named|titled|entitled|with the (?:title|name)|llamada|que se llama|de nombre)\s+)?"
_PLAYLIST_FORMS = (
    re.compile(rf"(?:my|the|our)\s+{_PL}\s+{_CALLED}(?P<n>.+)"),
    re.compile(rf"{_PL}\s+{_CALLED}(?P<n>.+)"),
    re.compile(rf"(?:(?P<det>my|the|our)\s+)?(?P<n>.+?)\s+{_PL}"),
    re.compile(rf"(?:my|the)\s+list\s+{_CALLED}(?P<n>.+)"),
    re.compile(r"(?P<det>my|the)\s+(?P<n>.+?)\s+list"),
    re.compile(rf"(?:mi|la|tu)\s+(?:{_PL}|lista(?: de reproduccion)?)\s+{_CALLED}(?P<n>(?!de\s).+)"),
    re.compile(rf"(?:la\s+)?{_PL}\s+(?P<n>(?!de\s).+)"),
    re.compile(r"my\s+(?P<n>.+)"),
)
_BAD_PLAYLIST_NAME = re.compile(
    r".*\b(?:to|onto|into|in|on)\s+(?:the|my)\b.*|.*\s(?:to|my|the|a|in|on|de|la|mi)|(?:under|entitled|called|named|titled)\s.*"
)
_RESERVED_PLAYLIST = re.compile(
    r"(?:queue|library|likes|liked|liked songs|favorites|favourites|saved songs|saved tracks|collection|music|"
    r"songs|tracks|playlist|playlists|list|account|profile|cola|biblioteca|favoritos|me gusta|the queue|"
    r"the library|lists|current playlist|this playlist|my|the|our|mi|la|a|an|tu)"
)


def _wordset(block: str) -> frozenset[str]:
    """Single words from a whitespace-separated block."""
    return frozenset(block.split())


def _words(block: str) -> frozenset[str]:
    """Phrases from a "|"-separated block, whitespace normalised."""
    return frozenset(" ".join(item.split()) for item in block.split("|"))


_CURRENT_TRACK = _words(
    """this|this song|this track|this tune|it|the song|the track|the current song|the current track|current song|
    current track|this one|that song|that|that track|what s playing|whats playing|what is playing|the song playing|
    the one playing|esta cancion|esta|esto|este tema|la cancion|la cancion actual|lo que suena|esta rola|
    la cancion que suena|el tema"""
)
_TRACK_PREFIX_RE = re.compile(
    r"(?:the\s+)?(?:song|track|tune|single|artist|band|singer|name)\s+(?:called\s+|named\s+|titled\s+)?|"
    r"(?:la\s+)?cancion\s+|(?:el\s+)?tema\s+|(?:el\s+|la\s+)?(?:artista|banda|grupo)\s+"
)
_A_TRACK_BY_RE = re.compile(r"(?:a|an|one|any|some)\s+(?:song|track|tune|songs|tracks)\s+(?:by|from|of)\s+")

_KIND_WORDS = {
    "song": "track", "track": "track", "tune": "track", "single": "track", "cancion": "track", "tema": "track",
    "pista": "track", "sencillo": "track", "album": "album", "record": "album", "lp": "album", "ep": "album",
    "disc": "album", "disco": "album", "artist": "artist", "band": "artist", "singer": "artist", "group": "artist",
    "artista": "artist", "grupo": "artist", "banda": "artist", "cantante": "artist", "playlist": "playlist",
}  # fmt: skip
_KW = r"(?:song|track|tune|single|cancion|tema|pista|sencillo|album|record|lp|ep|disc|disco|artist|band|singer|group|artista|grupo|banda|cantante|playlist)"
_DET = r"(?:the|a|an|my|this|el|la|mi|un|una|los|las)"
_TITLE_TAIL_WORDS = frozenset(
    {"song", "tune", "single", "cancion", "tema", "group", "band", "singer", "disco"}
)
_KIND_LEAD_RE = re.compile(
    rf"(?:(?P<det>{_DET})\s+)?(?P<kw>{_KW})\s+(?:called\s+|named\s+|titled\s+|llamad[oa]\s+|que se llama\s+|de nombre\s+)?(?P<name>.+)"
)
_KIND_TAIL_RE = re.compile(
    rf"(?:(?P<det>{_DET})\s+)?(?P<name>.+?)\s+(?P<kw>{_KW})(?:\s+(?P<sep>by|from|de)\s+(?P<artist>.+))?"
)
_ARTIST_OF_RE = re.compile(
    r"(?:some\s+)?(?:music|songs|tracks|stuff|tunes|something|hits|musica|canciones|temas|algo|exitos|exitos)\s+"
    r"(?:by|from|of|de|del)\s+(?P<a>.+)"
)
_ME_RE = re.compile(
    r"(?:me|us)\s+(?:a|an|some|the|something|anything|music|songs?|una?|algo|la|el|los|las)\b"
)
_SOME_RE = re.compile(r"(?:some|a bit of|un poco de)\s+")
_MUSIC_TAIL_RE = re.compile(r"\s+(?:music|songs|tunes|stuff|musica)$")
_BY_RE = re.compile(r"\s+by\s+")
_BY_STOP = frozenset(
    [
        "me",
        "you",
        "u",
        "us",
        "them",
        "him",
        "her",
        "myself",
        "yourself",
        "it",
        "the way",
        "night",
        "day",
        "side",
        "now",
        "then",
        "default",
        "design",
        "far",
        "heart",
        "the river",
        "the sea",
        "mistake",
        "accident",
        "chance",
        "numbers",
        "your side",
        "my side",
        "the bay",
        "the water",
        "love",
        "the light",
    ]
)
_VAGUE_QUERY = _words(
    """it|this|that|something|anything|music|some music|a song|songs|a track|tracks|more|again|next|previous|
    the next one|el siguiente|la siguiente|algo|musica|una cancion|cualquier cosa|lo que sea|whatever|random|
    la musica|the music|my music|mi musica|something else|otra|otra cosa|another|another one|another song|
    otra cancion|the song|la cancion|one|uno|this song|esta cancion|some|a tune|tunes|good music|good songs|
    the radio|radio|songs please|some songs|anything else|more music|more songs|mas musica|mas canciones|
    any song|a random song|random songs|random music|the playlist|a playlist|playlist|my playlist|an album|the album|
    album|a song for me|one song|music please|some tunes|a few songs|everything|todo|nothing|nada|on|a|an|the|
    any|any music|any song|me|us|el|la|un|una|los|las|mi|my|your|tu|su|sound|the sound|noise|the noise|audio|
    the audio|volume|the volume|el volumen|volumen|sonido|el sonido|ruido|the next song|next song|the next one|
    the next track|next track|the previous song|the previous one|the last song|the music back|music back|
    the music again|show|the show|anterior|la anterior|el anterior|tema anterior|cancion anterior|de nuevo|
    otra vez|una vez mas|again|it again|that again|this again|the song again|it back|back|on|off|up|down|
    la siguiente|siguiente|the queue|queue|la cola|cola|shuffle|repeat|aleatorio|bucle|pause|stop|skip"""
)
_VAGUE_HEAD_RE = re.compile(
    r"(?:it|them|esto|eso|this song|that song|this one|that one|esta cancion|whatever|lo que sea|cualquier)(?:\s|$)|"
    r"(?:some|something|songs?|music|tracks?|stuff|more|anything|algo|musica|canciones|temas|cosas|otra|otras|"
    r"una cancion|more songs|more music)\s+(?:like|similar|parecid|como|al estilo|del estilo|tipo|that|que|to|para|for)\b"
    r"|(?:something|anything|algo|cualquier)\b(?!\s+(?:by|de|from)\s)"
    r"|.*\b(?:similar to|parecid[oa]s? a|in the style of|al estilo de|del estilo de|recommend|recomienda|suggest|sugiere)\b"
)
_MOOD = (
    r"(?:chill|chilled|chillout|relaxing|relaxed|calm|calming|happy|sad|upbeat|mellow|romantic|energetic|sleepy|"
    r"party|workout|gym|focus|study|studying|background|quiet|soft|good|great|nice|cool|fun|funny|dance|dancing|"
    r"tranquila|tranquilo|relajante|alegre|triste|movida|fiesta|romantica|bonita|buena|suave|animada|energetica|"
    r"feel good|feel-good|cheerful|depressing|angry|peaceful|slow|fast|new|old|latest|popular|trending|famous|random)"
)
_MOOD_RE = re.compile(
    rf"(?:(?:some|a bit of|algo de|un poco de|a|an)\s+)?(?:music|musica|canciones|songs|something|algo)?\s*(?:que sea\s+|to\s+)?{_MOOD}"
    r"(?:\s+(?:music|songs|tunes|vibes|playlist|stuff|musica|canciones|temas|track|song|one|ones|shit))?"
)
_REFUSE_RE = re.compile(
    r"\b(?:twenties|thirties|forties|fourties|fifties|sixties|seventies|eighties|nineties|(?:19|20)?[0-9]0'?s|"
    r"(?:from|of|in)\s+(?:the\s+)?(?:year\s+)?(?:1[89]|20)\d\d|the\s+year|(?:los|las|anos|de los)\s+(?:19)?[0-9]0s?"
    r"|because|cause|instead|en vez de|en lugar de|porque"
    r"|volume|volumen|information|informacion|details?|detalles?|release date|lyrics|letra|aleatoriamente|"
    r"randomly|on repeat|en bucle|on shuffle|next song|previous song|cancion anterior|next track|"
    r"(?:this|that|the current) (?:song|track)\b|daily|every day|todos los dias"
    r"|podcast|podcasts|movie|movies|film|tv show|tv series|episode|audiobook|audiobooks|pelicula|serie|episodio|"
    r"audiolibro|documentary|documental|video|videos"
    r"|for (?:studying|study|working out|workout|the gym|sleeping|sleep|running|a party|the party|dinner|relaxing|"
    r"focus|focusing|coding|reading|driving|cooking|a road trip|my mood|tonight|today)"
    r"|para (?:estudiar|dormir|entrenar|correr|el gym|el gimnasio|la fiesta|una fiesta|relajarme|concentrarme|"
    r"trabajar|cocinar|conducir|manejar|hoy|esta noche)"
    r"|to my"
    r"|i like|i love|me gusta|me encanta|you like|te gusta|your favou?rite|tu favorit[ao])\b"
)
_SORT_HEAD_RE = re.compile(
    r"(?:(?:the|a|an|some|my|el|la|los|las|lo|unas?|unos?)\s+)?(?:top|new|newest|latest|last|best|most popular|popular|"
    r"greatest|recent|old|oldest|trending|hottest|biggest|first|favorite|favourite|famous|classic|ultim[oa]s?|nuev[oa]s?|"
    r"mejor(?:es)?|mas (?:popular(?:es)?|escuchad[oa]s|nuev[oa]s|recientes)|populares|recientes|top \d+)\b"
)
_SERVICE_ANY_RE = re.compile(rf"\b{_SERVICE}\b")
# A title followed by its artist: a leading "best"/"new"/"poker" is then part of the title, not a sort order.
_TITLE_BY_RE = re.compile(
    r"(?!(?:the|a|an|some|my|el|la|los|las|any|all)\s)"
    r"(?!\S+\s+(?:songs?|tracks?|music|albums?|hits|stuff|singles?|records?|releases?|tunes)\s+by\b)"
    r"\S+(?:\s+\S+){0,6}\s+by\s+\S"
)
_RELATIVE_RE = re.compile(r"(?:before|after)\s+(?:this|that|it)(?:\s+(?:one|song|track))?")
# Things people "play"/"pon" that are not music: games, household devices, "pon atencion" ("pay attention").
_NON_MUSIC_HEAD_RE = re.compile(
    r"(?:a|an|un|una|unos|unas)\s+(?:games?|juegos?|partidas?|round of|hand of)\b"
    r"|(?:chess|checkers|poker|video ?games?|videojuegos?|ajedrez|atencion|cuidado)\b"
    r"|(?:a|an|the|my|un|una|el|la|las|los|mi)\s+(?:alarms?|timers?|reminders?|alarmas?|temporizador|recordatorio|"
    r"mesa|luz|luces|tele|television|lights?|tv|calefaccion|aire acondicionado|lavadora)\b"
)
_YEAR_RE = re.compile(r"\b(?:1[89]|20)\d\d\b")
_QUERY_BAD_CHARS_RE = re.compile(r"[?¿{}\[\]<>\\|=]")
_QUOTED_RE = re.compile(r"""^(["'])(.+)\1$""")


def _trim(orig: str, folded: str) -> tuple[str, str]:
    start, end = 0, len(folded)
    while start < end and folded[start] in _EDGE_CHARS + "\"'":
        start += 1
    while end > start and folded[end - 1] in _EDGE_CHARS + '"':
        end -= 1
    return orig[start:end], folded[start:end]


_TAIL_WORDS = 9  # a service or location tail ("on the living room media player") is shorter than this


def _cut_tail(orig: str, folded: str, pattern: re.Pattern[str]) -> tuple[str, str]:
    for _ in range(3):
        window = 0  # the tail patterns end at "$": only the last few words can start a match
        spaces = [i for i, c in enumerate(folded) if c == " "]
        if len(spaces) > _TAIL_WORDS:
            window = spaces[-_TAIL_WORDS]
        m = pattern.search(folded, window)
        if not m or m.start() == 0:
            break
        orig, folded = orig[: m.start()], folded[: m.start()]
    return orig, folded


def _split_by(orig: str, folded: str) -> str:
    """ "X by Y" -> "X Y" when Y looks like an artist; otherwise the text unchanged."""
    matches = list(_BY_RE.finditer(folded))
    if not matches:
        return orig
    m = matches[-1]
    artist = folded[m.end() :].strip()
    title = folded[: m.start()].strip()
    if (
        not title
        or not artist
        or artist in _BY_STOP
        or (artist.split(" ")[0] in ("the", "my", "a") and len(artist.split()) == 1)
    ):
        return orig
    if artist in ("the way", "myself"):
        return orig
    return f"{orig[: m.start()].strip()} {orig[m.end() :].strip()}"


def _query_ok(folded: str, *, titled: bool = False) -> bool:
    """`titled`: the query was "X by Y" before "by" was dropped (then a leading sort word is part of X)."""
    q = folded.strip()
    if not q or not any(c.isalnum() for c in q):
        return False
    if len(q) > 150 or len(q.split()) > MAX_QUERY_WORDS:
        return False
    if q in _VAGUE_QUERY or _QUERY_BAD_CHARS_RE.search(q):
        return False
    titled = titled or _TITLE_BY_RE.match(q) is not None  # "best friends by yelawolf", "poker face by ..."
    if _VAGUE_HEAD_RE.match(q) or _MOOD_RE.fullmatch(q) or (_SORT_HEAD_RE.match(q) and not titled):
        return False
    if (_NON_MUSIC_HEAD_RE.match(q) and not titled) or _RELATIVE_RE.fullmatch(q):
        return False
    return not (_REFUSE_RE.search(q) or _SERVICE_ANY_RE.search(q) or _YEAR_RE.search(q))


_DEVICE_HEAD_RE = re.compile(r"(?:on|in|at|en|a|al)\s+(?:the|my|la|el|mi)\b|(?:on|en)\s")
_GENRES = frozenset(
    """jazz blues rock pop metal heavy metal hard rock punk funk soul disco house techno trance edm dubstep
    reggae reggaeton reguetón reggaeton salsa bachata merengue cumbia tango flamenco bossa nova samba
    classical clasica musica clasica hip hop hip-hop rap trap r&b rnb country folk indie indie rock
    alternative grunge gospel lo-fi lofi ambient electronic electronica latin latino k-pop kpop j-pop
    opera swing bolero boleros ranchera rancheras mariachi corridos banda norteño norteno vallenato
    ska emo synthwave synthpop new wave drum and bass""".replace("\n", " ").split(" ")
) | frozenset(
    {
        "heavy metal",
        "hard rock",
        "bossa nova",
        "hip hop",
        "indie rock",
        "new wave",
        "musica clasica",
        "drum and bass",
        "k pop",
        "lo fi",
        "classic rock",
        "soft rock",
        "alt rock",
        "alternative rock",
        "punk rock",
        "christian rock",
        "progressive rock",
        "prog rock",
        "folk rock",
        "southern rock",
        "smooth jazz",
        "death metal",
        "black metal",
        "nu metal",
        "r b",
        "r n b",
        "rhythm and blues",
        "old school hip hop",
        "old school rap",
        "gangsta rap",
        "deep house",
        "bluegrass",
        "motown",
        "dancehall",
        "afrobeat",
        "afrobeats",
        "zydeco",
        "classical music",
        "rock n roll",
        "rock and roll",
        "rock clasico",
        "rock en espanol",
    }
)


def _music_query(orig: str, folded: str) -> tuple[str, str] | None:
    """(query, kind) for what the user wants to hear, or None when vague or unclear."""
    return _per_message(("query", orig, folded), _read_music_query, orig, folded)


def _read_music_query(orig: str, folded: str) -> tuple[str, str] | None:
    orig, folded = _trim(orig, folded)
    orig, folded = _cut_tail(orig, folded, _SERVICE_TAIL_RE)
    orig, folded = _cut_tail(orig, folded, _LOC_TAIL_RE)
    orig, folded = _cut_tail(orig, folded, _SERVICE_TAIL_RE)
    orig, folded = _trim(orig, folded)
    quoted = _QUOTED_RE.match(folded)
    if quoted:
        orig, folded = orig[1:-1].strip(), folded[1:-1].strip()
        return (orig, "any") if _query_ok(folded) and '"' not in folded else None
    if folded.startswith(("me ", "us ")) and _ME_RE.match(folded):
        orig, folded = orig[3:].lstrip(), folded[3:].lstrip()
    if not _query_ok(folded):
        return None
    kind = "any"
    m = _ARTIST_OF_RE.fullmatch(folded) or _A_TRACK_BY_RE.match(folded)
    if m and not orig[m.start() : m.start() + 1].islower():
        m = None  # "Play Songs Of Heaven": a capitalised head word is part of a title
    if m:
        start = m.start("a") if "a" in m.groupdict() else m.end()
        orig, folded = orig[start:], folded[start:]
        kind = "artist"
    else:
        m_some = _SOME_RE.match(folded)
        if m_some:
            orig, folded = orig[m_some.end() :], folded[m_some.end() :]
        lead = _KIND_LEAD_RE.fullmatch(folded)
        tail = _KIND_TAIL_RE.fullmatch(folded)
        if lead and orig[lead.start("kw")].isupper():
            lead = None  # "Play Song 2", "Disco Tango": a capitalised word starts a title
        if lead and not re.match(r"(?:by|from|de|off|of)\s", lead.group("name")):
            kind = _KIND_WORDS[lead.group("kw")]
            orig, folded = orig[lead.start("name") :], folded[lead.start("name") :]
        elif lead:
            return None
        elif (
            tail
            and not orig[tail.start("kw")].isupper()
            and (tail.group("kw") not in _TITLE_TAIL_WORDS or tail.group("det") in ("a", "an", "un", "una"))
        ):
            det = tail.group("det")
            kind = _KIND_WORDS[tail.group("kw")]
            name_start = tail.start("name")
            if det and orig[tail.start("det")].isupper():
                name_start = tail.start("det")  # "My Favorites playlist", "A Sudden Rainstorm playlist"
            name = orig[name_start : tail.end("name")]
            if tail.group("artist"):
                artist = orig[tail.start("artist") :]
                if tail.group("sep") == "de" and kind != "album":
                    return None
                orig = f"{name} {artist}"
                folded = _fold(orig)
            else:
                orig, folded = name, folded[name_start : tail.end("name")]
            if det in ("a", "an", "un", "una") and kind == "track":
                kind = "artist"  # "play a Bob Burns song"
        elif folded.startswith(("my ", "mi ", "mis ")):
            return None  # "play my X": a library item or playlist we cannot tell apart
        else:
            tail_music = _MUSIC_TAIL_RE.search(folded)
            if tail_music and tail_music.start() > 0:
                orig, folded = orig[: tail_music.start()], folded[: tail_music.start()]
    titled = _TITLE_BY_RE.match(folded.strip()) is not None
    if kind in ("any", "track", "album"):
        orig = _split_by(orig, folded)
        folded = _fold(orig)
    orig, folded = _trim(orig, folded)
    if not _query_ok(folded, titled=titled) or len(orig) > 200 or re.search(rf"\b{_PL}\b", folded):
        return None
    if _DEVICE_HEAD_RE.match(folded):
        return None  # "play on my kitchen speaker": a device, not something to search
    if kind in ("any", "artist") and folded.strip() in _GENRES:
        kind = "genre"  # "play some jazz", "pon algo de salsa"
    return orig.strip(), kind


def _add_to_playlist(orig: str, folded: str) -> Action | None:
    m = _ADD_VERB_RE.match(folded)
    if not m:
        return None
    body_o, body_f = orig[m.end() :], folded[m.end() :]
    prep_re = _ADD_PREP_ES_RE if m.group(0).strip() in _ES_ADD_VERBS else _ADD_PREP_RE
    preps = list(prep_re.finditer(body_f))
    for prefixes in _DEST_PREFERENCE:
        candidates = [
            p
            for p in preps
            if body_f[p.end() :].startswith(prefixes)
            or (prefixes == ("",) and body_f.endswith((" playlist", " list")))
        ]
        if prefixes == ("",) and len(candidates) != 1:
            return None
        for prep in candidates:
            dest = body_f[prep.end() :].strip()
            if "'s " in dest or dest.startswith(("the queue", "queue", "la cola", "cola")):
                return None
            for form in _PLAYLIST_FORMS:
                pm = form.fullmatch(dest)
                if pm:
                    return _playlist_action(body_o, body_f, prep, pm)
    return None


_DEST_PREFERENCE: tuple[tuple[str, ...], ...] = (
    ("my ", "mi ", "playlist ", "our "),
    ("the ", "la ", "tu "),
    ("",),
)


def _playlist_action(body_o: str, body_f: str, prep: re.Match[str], pm: re.Match[str]) -> Action | None:
    name_f = pm.group("n").strip()
    if (
        _RESERVED_PLAYLIST.fullmatch(name_f)
        or _BAD_PLAYLIST_NAME.fullmatch(name_f)
        or not any(c.isalnum() for c in name_f)
    ):
        return None
    offset = prep.end() + (len(body_f[prep.end() :]) - len(body_f[prep.end() :].lstrip()))
    name_start = pm.start("n")
    if "det" in pm.groupdict() and pm.group("det") and body_o[offset + pm.start("det")].isupper():
        name_start = pm.start("det")  # "The MetalSucks Playlist": a capitalised article belongs to the name
    name_o = body_o[offset + name_start : offset + pm.end("n")].strip(_EDGE_CHARS + "\"'")
    query = _playlist_item(body_o[: prep.start()], body_f[: prep.start()])
    if query is False or not name_o or len(name_o) > 100:
        return None
    return AddToPlaylist(playlist=name_o, query=query or None)


def _playlist_item(orig: str, folded: str) -> str | bool | None:
    """The item to add: None for the current track, False when unclear."""
    orig, folded = _trim(orig, folded)
    if folded in _CURRENT_TRACK:
        return None
    by = _A_TRACK_BY_RE.match(folded)
    if by:
        orig, folded = orig[by.end() :], folded[by.end() :]
    else:
        pre = _TRACK_PREFIX_RE.match(folded)
        if pre and folded[pre.end() :].strip():
            orig, folded = orig[pre.end() :], folded[pre.end() :]
    if re.search(
        r"\b(?:this|these|that|album|albums|track|tracks|tune|tunes|song|songs|playlist|artist|singer|band|another|current)\b",
        folded,
    ):
        return False
    if re.match(r"(?:a|an|any|some|the)\s", folded) and len(folded.split()) <= 2:
        return False
    if not _query_ok(folded):
        return False
    return _split_by(orig, folded).strip()


def _queue_add(orig: str, folded: str) -> Action | None:
    m = _QUEUE_VERB_RE.match(folded)
    if m:
        body_o, body_f = orig[m.end() :], folded[m.end() :]
    else:
        add = _ADD_VERB_RE.match(folded)
        dest = _QUEUE_DEST_RE.search(folded)
        if not add or not dest:
            return None
        body_o, body_f = orig[add.end() : dest.start()], folded[add.end() : dest.start()]
    parsed = _music_query(body_o, body_f)
    return QueueAdd(query=parsed[0], kind=parsed[1]) if parsed else None  # type: ignore[arg-type]


def _play(orig: str, folded: str) -> Action | None:
    queued = _queue_add(orig, folded)
    if queued is not None:
        return queued
    if _QUEUE_VERB_RE.match(folded) or _QUEUE_DEST_RE.search(folded):
        return None
    added = _add_to_playlist(orig, folded)
    if added is not None:
        return added
    put_on = _PUT_ON_TAIL_RE.match(folded)
    if put_on:
        body_o, body_f = orig[put_on.start(1) : put_on.end(1)], put_on.group(1)
    else:
        m = _PLAY_VERB_RE.match(folded)
        if not m:
            return None
        body_o, body_f = orig[m.end() :], folded[m.end() :]
    next_tail = _NEXT_TAIL_RE.search(body_f)
    if next_tail and next_tail.start() > 0:
        parsed = _music_query(body_o[: next_tail.start()], body_f[: next_tail.start()])
        return QueueAdd(query=parsed[0], kind=parsed[1]) if parsed else None  # type: ignore[arg-type]
    parsed = _music_query(body_o, body_f)
    return Play(query=parsed[0], kind=parsed[1]) if parsed else None  # type: ignore[arg-type]


def _is_request_start(folded: str) -> bool:
    return bool(
        _PLAY_VERB_RE.match(folded)
        or _QUEUE_VERB_RE.match(folded)
        or _ADD_VERB_RE.match(folded)
        or folded.startswith("put ")
    )


# ---------------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------------


def _parse_clauses(orig: str, folded: str) -> list[Action] | None:
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _SPLIT_RE.finditer(folded):
        if m.start() > pos:
            bounds.append((pos, m.start()))
        pos = m.end()
    if pos < len(folded):
        bounds.append((pos, len(folded)))
    if not bounds or len(bounds) > 3 * MAX_CLAUSES:
        return None
    actions: list[Action] = []
    i = 0
    while i < len(bounds):
        s, e = _strip_polite(folded, *bounds[i])
        if s >= e:
            i += 1
            continue
        control = _control(folded[s:e])
        if control is not None:
            actions.append(control)
            i += 1
            continue
        if not _is_request_start(folded[s:e]):
            return None
        request = None
        for j in range(i, len(bounds)):
            rest = _all_controls(folded, bounds[j + 1 :])
            if rest is None:
                continue
            rs, re_ = _strip_polite(folded, s, bounds[j][1])
            request = _play(orig[rs:re_], folded[rs:re_])
            if request is not None:
                actions.append(request)
                actions.extend(rest)
                i = len(bounds)
            break
        if request is None:
            return None
    if not actions or len(actions) > MAX_CLAUSES:
        return None
    return actions


def _all_controls(folded: str, bounds: list[tuple[int, int]]) -> list[Action] | None:
    out: list[Action] = []
    for b in bounds:
        s, e = _strip_polite(folded, *b)
        if s >= e:
            continue
        action = _control(folded[s:e])
        if action is None:
            return None
        out.append(action)
    return out


def _finish_slot(slot: str, original: str, folded: str) -> dict[str, str] | None:
    """Check a template's captured text with the same readers the rules use (vague queries are refused)."""
    if slot in ("query", "artist"):
        folded_query = _fold(original)
        if slot == "artist" and " by " in f" {folded_query} ":
            return None  # "Play Songs Of Heaven by X": a title, not "songs of <artist>"
        head = folded_query.split(" ", 1)[0]
        if head in _NOT_A_QUERY_START or (head in ("me", "us") and original[:1].islower()):
            return None  # "search and play X", "play me X": the template caught a connector ("Me Against...")
        parsed = _music_query(original, folded_query)
        if parsed is None:
            return None  # vague or unclear (the cheaper question first: most refused slots end here)
        if _control(_key(folded_query)) is not None or grammar().match(original, requests=False) is not None:
            return None  # "play next song", "pon pausa", "queue up the next song": a command, not a title
        return {slot: parsed[0], "kind": parsed[1]}
    if slot == "playlist":
        name = _trim(original, _fold(original))[0]
        key = _key(_fold(name))
        if not key or _RESERVED_PLAYLIST.fullmatch(key) or _BAD_PLAYLIST_NAME.fullmatch(key):
            return None
        if _SERVICE_ANY_RE.search(key):
            return None  # "iheart radio's chill out playlist": another service's playlist
        return {slot: name}
    if slot in ("device", "speaker"):
        key = _key(_fold(original))
        words = set(key.split())
        if not key or key in _VAGUE_DEVICE or words & _NOT_DEVICE_WORDS:
            return None
        if slot == "speaker" and not words & _DEVICE_WORDS:
            return None  # "switch to my workout playlist": only a word like "speaker" makes it a device
        return {"device": original}
    if slot == "genre":
        key = _key(_fold(original))
        return {slot: original} if key in _GENRES and key not in _NOT_A_GENRE else None
    if slot == "prompt":
        words = set(_key(_fold(original)).split())
        return {slot: original} if words & _MUSIC_HINTS or _fold(original) in _GENRES else None
    return {slot: original} if original.strip() else None


_NOT_A_GENRE = _wordset(
    "music musica and hard heavy hip hop nova bossa bass drum wave new nueva nuevo de la el"
)
_MUSIC_HINTS = _GENRES | _wordset(
    """something anything stuff like similar music song songs track tracks tune tunes artist artists band bands
    singer singers album albums playlist playlists genre genres vibe vibes mood beats jams banger bangers hits
    algo musica cancion canciones tema temas rola rolas artista artistas banda bandas grupo grupos disco discos
    album albumes lista genero ritmo ritmos parecido parecida similar similares como estilo onda"""
)
_VAGUE_DEVICE = _words(
    """it|this|that|there|here|other|another|the other|next|the next|one|the other one|next one|other one|
    speaker|device|otro|otra|ahi|aqui|alli|el otro|la otra|siguiente|next song|the next song|the previous one|
    anterior|la anterior|el anterior|previous|song|track|cancion|tema|que sigue|la que sigue|lo que sigue|
    la proxima|el proximo|proxima|proximo|la de antes|otra cancion|otro tema"""
)


_NOT_A_QUERY_START = _wordset("and for to of with then y para con luego playing play listening")
_NOT_DEVICE_WORDS = _wordset(
    """playlist playlists album albums song songs track tracks list music genre artist shuffle repeat queue
    lista cancion canciones tema temas disco musica cola aleatorio radio podcast spotify pandora youtube
    deezer itunes"""
)
_DEVICE_WORDS = _wordset(
    """speaker speakers device phone iphone android computer laptop pc mac tv television echo dot tablet ipad
    headphones headset earbuds airpods desktop console xbox playstation chromecast sonos homepod car stereo
    altavoz altavoces parlante parlantes bocina bocinas dispositivo telefono celular movil computadora
    portatil ordenador tele televisor auriculares cascos coche carro equipo"""
)


# Templates whose slots take free text: a split into clauses ("... and turn it up") is tried before them.
_FREE_TEXT = (Play, QueueAdd, Search, Recommend, Transfer, AddToPlaylist, DjStart)


def _template_clauses(cleaned: str, folded: str, gram: Grammar) -> list[Action] | None:
    """ "put on something like Daft Punk and turn it up": every clause a template or a control command."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for m in _SPLIT_RE.finditer(folded):
        if m.start() > pos:
            bounds.append((pos, m.start()))
        pos = m.end()
    if pos < len(folded):
        bounds.append((pos, len(folded)))
    if len(bounds) < 2 or len(bounds) > MAX_CLAUSES:
        return None
    actions: list[Action] = []
    for start, end in bounds:
        action = gram.match(cleaned[start:end], _finish_slot) or _control(_key(folded[start:end]))
        if action is None:
            return None
        if not actions or action != actions[-1]:  # "it's too quiet, turn it up": one step, not two
            actions.append(action)
    if sum(isinstance(a, _FREE_TEXT) for a in actions) > 1:
        return None  # two requests in one message: the LLM reads it
    return actions


def parse_local(text: str, ctx: Context | None = None) -> Plan | None:
    """A Plan with source "rules" when sure, else None (the LLM decides).

    The sentence templates (bot/nlu/grammar/*.yaml) are tried first on the whole message, then the clause rules.
    """
    token = _MESSAGE_MEMO.set({})
    try:
        if not isinstance(text, str) or not text or len(text) > MAX_INPUT:
            return None
        cleaned = _clean(text)
        if not cleaned:
            return None
        default = ctx.locale if ctx is not None else "en"
        gram = grammar()
        folded_pair = fold(cleaned)
        if gram.declines(folded_pair[0]):
            return None
        templated = gram.match(
            cleaned,
            _finish_slot,
            has_track=ctx is not None and ctx.current_track is not None,
            check_declines=False,
            folded=folded_pair,
        )
        if templated is not None and not isinstance(templated, _FREE_TEXT):
            return Plan(actions=[templated], lang=detect_lang(cleaned, default), source="rules")
        folded = _fold(cleaned)
        start, end = _strip_polite(folded, 0, len(folded))
        split = _SPLIT_RE.search(folded) is not None
        actions: list[Action] | None = None
        if templated is None or split:
            actions = _parse_clauses(cleaned[start:end], folded[start:end]) if start < end else None
            if not actions and split:
                actions = _template_clauses(cleaned, folded, gram)
        if templated is not None and not (actions and len(actions) > 1):
            actions = [templated]  # free text ("play X and Y") unless the message splits into commands
        if not actions:
            return None
        return Plan(actions=actions, lang=detect_lang(cleaned, default), source="rules")
    except Exception:  # never let odd input break the caller; the LLM can still answer
        log.exception("local parser failed; leaving the message to the LLM")
        return None
    finally:
        _MESSAGE_MEMO.reset(token)
