"""A newcomer's first session in the terminal, on the demo player: the tour, and what goes wrong, in en and es.

Each test feeds a fresh `run_chat` the lines a person would type and asserts what they read, line by line.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.cli.chat import run_chat
from bot.config import Settings
from bot.i18n import t

HEADER_LINES = 3  # banner, demo-player notice, local-parser notice


def settings(tmp_path: Path, lang: str = "en") -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, default_language=lang)  # type: ignore[call-arg]


async def session(tmp_path: Path, lines: list[str], lang: str = "en") -> list[str]:
    """What a fresh terminal chat prints for `lines`, without the three header lines."""
    out = io.StringIO()
    code = await run_chat(settings(tmp_path, lang), io.StringIO("".join(f"{x}\n" for x in lines)), out)
    assert code == 0
    printed = out.getvalue().splitlines()
    assert "Traceback" not in out.getvalue()
    return printed[HEADER_LINES:]


def tour_examples(lang: str) -> list[str]:
    """The commands the tour shows: the left column, split at ' · ', plus the '(or a song: …)' example."""
    examples: list[str] = []
    for line in t("chat.tour", lang).splitlines():
        if not line.startswith("  "):
            continue
        command, *notes = re.split(r"\s{2,}", line.strip())
        note = " ".join(notes)
        examples.extend(part.strip() for part in command.split(" · "))
        examples.extend(re.findall(r": ((?:play|pon) [a-z ]+)\)", note))
    return examples


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_help_is_the_tour_and_every_example_in_it_works_on_the_demo(tmp_path: Path, lang: str) -> None:
    examples = tour_examples(lang)
    assert len(examples) >= 18
    said = await session(tmp_path, ["ayuda" if lang == "es" else "help"], lang)
    assert said == t("chat.tour", lang).splitlines()

    # Every example, in order, on one fresh demo player; the playlist offer is accepted with a yes.
    yes = "sí" if lang == "es" else "yes"
    lines: list[str] = []
    for example in examples:
        lines.append(example)
        if "gym" in example:
            lines.append(yes)
    said = await session(tmp_path / "run", lines, lang)
    text = "\n".join(said)
    failures = [
        "I didn't understand",
        "No lo he entendido",
        "isn't one of the simple commands",
        "no es uno de los comandos sencillos",
        "Nothing is playing",
        "No suena nada",
        "Spotify does not allow",
        "Spotify no permite",
        "no active device",
        "ningún dispositivo activo",
        "did not go on",
        "no seguí",
    ]
    assert not [f for f in failures if f in text], text
    if lang == "en":
        assert "Playing songs by Daft Punk" in said
        assert "Created the playlist gym." in said
        assert any(line.startswith("Added ") and line.endswith(" to gym.") for line in said)
        assert "Volume set to 60%" in said
    else:
        assert "Reproduciendo canciones de Daft Punk" in said
        assert "Playlist gym creada." in said
        assert any(line.endswith(" añadida a gym.") for line in said)
        assert "Volumen al 60%" in said


async def test_fresh_player_english_failures_say_what_really_happened(tmp_path: Path) -> None:
    said = await session(
        tmp_path,
        [
            "pause",
            "skip",
            "hi",
            "thx bot 🙏",
            "add this to my gym playlist",
            "no",
            "play zzqqxx nothing and volume 30",
            "blorp florp",
        ],
    )
    assert said[:-1] == [
        "Nothing is playing right now. Start something first.",
        "Nothing is playing right now. Start something first.",
        "Hi! Tell me what to play, or say `help`.",
        "You're welcome! 🎶",
        'You have no playlist called "gym" (you have no playlists yet).',
        'Shall I create a playlist called "gym" and add the song to it? (yes/no)',
        "OK, I did not create anything.",
        'Nothing found on Spotify for "zzqqxx nothing". Try other words.',
        "Because of that, I did not go on to change the volume.",
    ]
    assert said[-1].startswith("That isn't one of the simple commands I know by myself")


async def test_fresh_player_spanish_failures_and_the_conversation_keeps_its_language(tmp_path: Path) -> None:
    said = await session(
        tmp_path,
        [
            "hola",
            "la siguiente",
            "pausa",
            "gracias bro 🙌",
            "jajaja",
            "pon daft punk",
            "jajaja",
            "ok",
            "añade esta a mi lista gym",
            "sí",
            "pon zzqqxx nada y sube el volumen",
            "blorp",
        ],
    )
    assert said[:5] == [
        "¡Hola! Dime qué pongo, o escribe `ayuda`.",
        "No suena nada ahora mismo. Pon algo primero.",
        "No suena nada ahora mismo. Pon algo primero.",
        "¡De nada! 🎶",
        "😄",
    ]
    assert said[5] == "Reproduciendo canciones de Daft Punk"
    assert said[6] == "😄"
    assert said[7] == "👍"  # "ok"
    assert said[8] == 'No tienes ninguna playlist llamada "gym" (aún no tienes playlists).'
    assert said[9] == '¿Creo una playlist llamada "gym" y le añado la canción? (sí/no)'
    assert said[10] == "Playlist gym creada."
    assert said[11].endswith(" añadida a gym.")
    assert said[12:14] == [
        'No encontré nada en Spotify para "zzqqxx nada". Prueba con otras palabras.',
        "Por eso no seguí con lo demás: cambiar el volumen.",
    ]
    # "blorp" is in no language: a Spanish conversation gets its "not understood" in Spanish.
    assert said[14].startswith("Eso no es uno de los comandos sencillos que conozco")


async def test_a_clearly_english_message_switches_a_spanish_conversation(tmp_path: Path) -> None:
    said = await session(tmp_path, ["hola", "play daft punk", "jajaja", "qué suena"], "en")
    assert said[0].startswith("¡Hola!")
    assert said[1] == "Playing songs by Daft Punk"
    assert said[2] == "😄"
    assert said[3].startswith("Suena ")


async def test_queue_on_a_fresh_demo_player_is_accepted_where_devices_shows_it_active(tmp_path: Path) -> None:
    said = await session(tmp_path, ["devices", "queue get lucky", "añade get lucky a la cola"])
    assert said[0] == "Your devices:"
    assert said[1].startswith("▶ Demo Speaker")
    assert said[-2] == "Added Get Lucky — Daft Punk, Pharrell Williams, Nile Rodgers to the queue."
    assert said[-1] == "Get Lucky — Daft Punk, Pharrell Williams, Nile Rodgers añadida a la cola."
