"""Realistic English and Spanish messages for the benchmarks, built from templates (deterministic per seed).

`typical_mix` is what "typical commands" means in every figure: mostly playback control, then play/queue
requests, then playlists, recommendations, questions and multi-step requests, in both languages.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

Category = str  # "control", "play", "playlist", "recommend", "question", "compound"

ARTISTS = (
    "Daft Punk",
    "Rosalía",
    "Bad Bunny",
    "Taylor Swift",
    "The Beatles",
    "Queen",
    "Shakira",
    "Soda Stereo",
    "Radiohead",
    "Billie Eilish",
    "Kendrick Lamar",
    "Karol G",
    "Café Tacvba",
    "Arctic Monkeys",
    "Dua Lipa",
    "Coldplay",
    "Nirvana",
    "ABBA",
    "Bizarrap",
    "Peso Pluma",
    "Miles Davis",
    "Frank Ocean",
    "Björk",
    "Metallica",
    "Juanes",
    "Mon Laferte",
    "Natalia Lafourcade",
    "Gustavo Cerati",
    "Héroes del Silencio",
    "The Weeknd",
    "Adele",
    "Ed Sheeran",
    "Drake",
    "Beyoncé",
    "Fleetwood Mac",
    "Pink Floyd",
    "Rauw Alejandro",
    "Manu Chao",
    "Julieta Venegas",
    "Aitana",
    "C. Tangana",
    "Tame Impala",
    "Los Ángeles Azules",
)
TRACKS = (
    ("Get Lucky", "Daft Punk"),
    ("Despechá", "Rosalía"),
    ("Bohemian Rhapsody", "Queen"),
    ("Hey Jude", "The Beatles"),
    ("Blinding Lights", "The Weeknd"),
    ("De Música Ligera", "Soda Stereo"),
    ("Tití Me Preguntó", "Bad Bunny"),
    ("Smells Like Teen Spirit", "Nirvana"),
    ("Levitating", "Dua Lipa"),
    ("Yellow", "Coldplay"),
    ("Hips Don't Lie", "Shakira"),
    ("Rolling in the Deep", "Adele"),
    ("Dancing Queen", "ABBA"),
    ("Creep", "Radiohead"),
    ("Karma Police", "Radiohead"),
    ("Ella Baila Sola", "Peso Pluma"),
    ("Provenza", "Karol G"),
    ("Lamento Boliviano", "Enanitos Verdes"),
    ("Clandestino", "Manu Chao"),
    ("Eres", "Café Tacvba"),
    ("Bad Guy", "Billie Eilish"),
    ("Humble", "Kendrick Lamar"),
    ("Shape of You", "Ed Sheeran"),
    ("Dreams", "Fleetwood Mac"),
    ("Wish You Were Here", "Pink Floyd"),
    ("Me Porto Bonito", "Bad Bunny"),
    ("Entra en Mi Vida", "Sin Bandera"),
    ("La Flaca", "Jarabe de Palo"),
    ("Do I Wanna Know?", "Arctic Monkeys"),
    ("Cruel Summer", "Taylor Swift"),
)
ALBUMS = (
    "Random Access Memories",
    "Motomami",
    "Abbey Road",
    "OK Computer",
    "Un Verano Sin Ti",
    "El Mal Querer",
    "Nevermind",
    "Thriller",
    "Canción Animal",
    "Re",
    "Rumours",
    "The Dark Side of the Moon",
    "Currents",
    "Blonde",
    "1989",
    "Mañana Será Bonito",
)
PLAYLISTS = (
    "Today's Top Hits",
    "chill vibes",
    "Viva Latino",
    "my workout",
    "road trip",
    "focus",
    "Rock en Español",
    "fiesta",
    "para estudiar",
    "gym",
    "favoritas",
    "sunday morning",
)
GENRES_EN = (
    "jazz",
    "reggaeton",
    "lo-fi",
    "salsa",
    "techno",
    "cumbia",
    "indie rock",
    "bossa nova",
    "k-pop",
    "80s pop",
)
GENRES_ES = (
    "jazz",
    "reguetón",
    "lo-fi",
    "salsa",
    "techno",
    "cumbia",
    "rock alternativo",
    "bossa nova",
    "boleros",
    "pop de los 80",
)
DEVICES = (
    "kitchen speaker",
    "my phone",
    "living room TV",
    "laptop",
    "altavoz de la cocina",
    "mi móvil",
    "la tele",
)
MOODS_EN = (
    "a rainy day",
    "studying",
    "a party",
    "running",
    "a road trip",
    "cooking dinner",
    "falling asleep",
)
MOODS_ES = ("un día de lluvia", "estudiar", "una fiesta", "correr", "un viaje en coche", "cocinar", "dormir")

# (template, category); slots: {artist} {track} {album} {playlist} {genre} {device} {n} {v} {s} {mood} {m}
EN_TEMPLATES: tuple[tuple[str, Category], ...] = (
    ("pause", "control"),
    ("pause the music", "control"),
    ("stop", "control"),
    ("resume", "control"),
    ("continue", "control"),
    ("unpause", "control"),
    ("skip", "control"),
    ("next", "control"),
    ("next song", "control"),
    ("skip this song", "control"),
    ("skip {n} songs", "control"),
    ("previous", "control"),
    ("go back", "control"),
    ("previous song", "control"),
    ("play the last song again", "control"),
    ("volume {v}", "control"),
    ("set the volume to {v}", "control"),
    ("volume {v}%", "control"),
    ("turn it up", "control"),
    ("louder", "control"),
    ("turn it down", "control"),
    ("quieter please", "control"),
    ("mute", "control"),
    ("shuffle on", "control"),
    ("shuffle off", "control"),
    ("turn on shuffle", "control"),
    ("repeat this song", "control"),
    ("repeat off", "control"),
    ("loop the playlist", "control"),
    ("what's playing", "control"),
    ("what song is this?", "control"),
    ("now playing", "control"),
    ("show the queue", "control"),
    ("what's next?", "control"),
    ("like this song", "control"),
    ("save this song", "control"),
    ("devices", "control"),
    ("list my devices", "control"),
    ("play on {device}", "control"),
    ("switch to {device}", "control"),
    ("seek to {m}:30", "control"),
    ("forward {s} seconds", "control"),
    ("go back {s} seconds", "control"),
    ("help", "control"),
    ("play {track} by {artist}", "play"),
    ("play {artist}", "play"),
    ("play some {genre}", "play"),
    ("play the album {album}", "play"),
    ("play the playlist {playlist}", "play"),
    ("put on {track}", "play"),
    ("I want to hear {track}", "play"),
    ("play {track}", "play"),
    ("play something by {artist}", "play"),
    ("queue {track} by {artist}", "play"),
    ("add {track} to the queue", "play"),
    ("search {artist}", "play"),
    ("search for the album {album}", "play"),
    ("add this song to {playlist}", "playlist"),
    ("add {track} to my {playlist} playlist", "playlist"),
    ("create a playlist called {playlist}", "playlist"),
    ("recommend me some songs like {artist}", "recommend"),
    ("suggest {n} songs for {mood}", "recommend"),
    ("play something chill for {mood}", "recommend"),
    ("give me music similar to {track}", "recommend"),
    ("something upbeat for {mood}, please", "recommend"),
    ("who sings this?", "question"),
    ("what year did {album} come out?", "question"),
    ("tell me about {artist}", "question"),
    ("is {track} a cover?", "question"),
    ("pause and then play {track}", "compound"),
    ("skip and turn it up", "compound"),
    ("play {artist} and set the volume to {v}", "compound"),
)
ES_TEMPLATES: tuple[tuple[str, Category], ...] = (
    ("pausa", "control"),
    ("pausa la música", "control"),
    ("para la música", "control"),
    ("detén la música", "control"),
    ("continúa", "control"),
    ("sigue", "control"),
    ("reanuda", "control"),
    ("siguiente", "control"),
    ("salta", "control"),
    ("siguiente canción", "control"),
    ("salta {n} canciones", "control"),
    ("anterior", "control"),
    ("la anterior", "control"),
    ("canción anterior", "control"),
    ("volumen {v}", "control"),
    ("pon el volumen al {v}", "control"),
    ("sube el volumen", "control"),
    ("baja el volumen", "control"),
    ("más alto", "control"),
    ("más bajo", "control"),
    ("silencio", "control"),
    ("silencia", "control"),
    ("aleatorio", "control"),
    ("activa el modo aleatorio", "control"),
    ("desactiva el aleatorio", "control"),
    ("repite esta canción", "control"),
    ("quita la repetición", "control"),
    ("¿qué suena?", "control"),
    ("qué canción es esta", "control"),
    ("muestra la cola", "control"),
    ("me gusta esta canción", "control"),
    ("guarda esta canción", "control"),
    ("dispositivos", "control"),
    ("pon la música en {device}", "control"),
    ("adelanta {s} segundos", "control"),
    ("retrocede {s} segundos", "control"),
    ("ve al minuto {m}", "control"),
    ("ayuda", "control"),
    ("pon {track} de {artist}", "play"),
    ("reproduce {artist}", "play"),
    ("pon algo de {genre}", "play"),
    ("pon el álbum {album}", "play"),
    ("pon la playlist {playlist}", "play"),
    ("quiero escuchar {track}", "play"),
    ("añade {track} a la cola", "play"),
    ("agrega {track} de {artist} a la cola", "play"),
    ("busca {artist}", "play"),
    ("ponme {track}", "play"),
    ("reproduce la canción {track}", "play"),
    ("añade esta canción a {playlist}", "playlist"),
    ("crea una playlist llamada {playlist}", "playlist"),
    ("recomiéndame canciones parecidas a {artist}", "recommend"),
    ("ponme algo tranquilo para {mood}", "recommend"),
    ("sugiere {n} canciones para {mood}", "recommend"),
    ("música parecida a {track}, por favor", "recommend"),
    ("¿quién canta esta canción?", "question"),
    ("¿de qué año es {album}?", "question"),
    ("háblame de {artist}", "question"),
    ("pausa y luego pon {track}", "compound"),
    ("sube el volumen y pon {artist}", "compound"),
)
PREFIXES_EN = ("", "", "", "", "please ", "hey bot, ", "can you ", "could you ")
SUFFIXES_EN = ("", "", "", "", " please", "!", " thanks", ".")
PREFIXES_ES = ("", "", "", "", "por favor ", "oye, ", "puedes ", "¿puedes ")
SUFFIXES_ES = ("", "", "", "", " por favor", "!", " gracias", ".")

# Share of each category in "typical commands" (what users send a music bot, most often control).
TYPICAL_WEIGHTS: dict[Category, float] = {
    "control": 0.55,
    "play": 0.25,
    "playlist": 0.05,
    "recommend": 0.07,
    "question": 0.05,
    "compound": 0.03,
}


@dataclass(frozen=True, slots=True)
class Utterance:
    text: str
    lang: str
    category: Category


def _fill(template: str, rng: random.Random, lang: str) -> str:
    track, track_artist = rng.choice(TRACKS)
    slots = {
        "artist": rng.choice(ARTISTS) if "{track}" not in template else track_artist,
        "track": track,
        "album": rng.choice(ALBUMS),
        "playlist": rng.choice(PLAYLISTS),
        "genre": rng.choice(GENRES_ES if lang == "es" else GENRES_EN),
        "device": rng.choice(DEVICES),
        "n": str(rng.randint(2, 5)),
        "v": str(rng.choice((10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 100))),
        "s": str(rng.choice((10, 15, 20, 30, 45, 60))),
        "m": str(rng.randint(1, 3)),
        "mood": rng.choice(MOODS_ES if lang == "es" else MOODS_EN),
    }
    return template.format(**slots)


def _style(text: str, rng: random.Random, lang: str, category: Category) -> str:
    """Add the small variations real messages have: politeness, punctuation, capitals."""
    if category in ("control", "play") and rng.random() < 0.35:
        prefix = rng.choice(PREFIXES_ES if lang == "es" else PREFIXES_EN)
        suffix = rng.choice(SUFFIXES_ES if lang == "es" else SUFFIXES_EN)
        text = f"{prefix}{text}{suffix}"
    roll = rng.random()
    if roll < 0.15:
        text = text[:1].upper() + text[1:]
    elif roll < 0.18:
        text = text.upper()
    return text


def generate(count: int, *, seed: int = 7, es_share: float = 0.4) -> list[Utterance]:
    """`count` messages following TYPICAL_WEIGHTS, `es_share` of them in Spanish."""
    rng = random.Random(seed)
    by_lang_cat: dict[tuple[str, Category], list[str]] = {}
    for lang, templates in (("en", EN_TEMPLATES), ("es", ES_TEMPLATES)):
        for template, category in templates:
            by_lang_cat.setdefault((lang, category), []).append(template)
    categories = list(TYPICAL_WEIGHTS)
    weights = [TYPICAL_WEIGHTS[c] for c in categories]
    out: list[Utterance] = []
    for _ in range(count):
        lang = "es" if rng.random() < es_share else "en"
        category = rng.choices(categories, weights)[0]
        template = rng.choice(by_lang_cat[(lang, category)])
        text = _style(_fill(template, rng, lang), rng, lang, category)
        out.append(Utterance(text, lang, category))
    return out


def typical_mix(count: int, *, seed: int = 11) -> list[Utterance]:
    """`count` typical commands (the end-to-end, concurrency and naive-design runs use these)."""
    return generate(count, seed=seed)


def shared_dev_set(root: Path) -> list[Utterance]:
    """The shared development utterances when the checkout has ../shared beside it; [] otherwise."""
    folder = root / ".." / "shared" / "data" / "utterances"
    out: list[Utterance] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and isinstance(row.get("text"), str):
                lang = row.get("lang") if row.get("lang") in ("en", "es") else "en"
                out.append(Utterance(row["text"], str(lang), "dev-set"))
    return out


def category_counts(items: Iterable[Utterance]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.category] = counts.get(item.category, 0) + 1
    return counts


def texts(items: Sequence[Utterance]) -> list[str]:
    return [u.text for u in items]
