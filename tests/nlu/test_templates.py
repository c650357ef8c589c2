"""The template engine: folding, template syntax, slots, wrappers, and adding a language as one data file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.actions import Pause, Play, Recommend, Skip, Transfer, Volume
from bot.nlu.templates import DATA_DIR, TemplateError, fold, grammar, load_grammar


def test_fold_keeps_a_map_to_the_original_text() -> None:
    text = "¿Qué SUENA?? louderrr 50% AC/DC what's"
    folded, where = fold(text)
    assert folded == "que suena louder 50 percent ac dc whats "
    assert len(where) == len(folded)
    assert "".join(text[i] for i in where if i >= 0).startswith("QuéSUENAlouder50")


def test_bundled_grammar_compiles_every_language() -> None:
    g = grammar()
    assert {i.lang for i in g.intents} == {"en", "es"}
    assert all(i.first_words is None or i.first_words for i in g.intents)


FRENCH = """
fragments:
  prefix: ["(salut|dis)"]
  suffix: ["(stp|merci)"]
  chanson: "(chanson|morceau|titre)"
decline:
  - "(ne pas|pas maintenant)"
intents:
  - name: skip_fr
    action: {action: skip}
    templates:
      - "(suivant|passe|zappe) [la|cette] [<chanson>]"
  - name: pause_fr
    action: {action: pause}
    templates:
      - "(pause|arrete) [la musique]"
  - name: volume_fr
    action: {action: volume, level: "{n}"}
    templates:
      - "[mets le] volume (a|sur) {n}"
  - name: transfer_fr
    action: {action: transfer, device: "{device}"}
    templates:
      - "(transfere|envoie) [la musique] (sur|vers) [le|la|mon|ma] {device}"
  - name: play_fr
    request: true
    action: {action: play, query: "{query}", kind: "{kind}"}
    templates:
      - "(joue|mets) {query}"
"""


@pytest.fixture()
def with_french(tmp_path: Path) -> Path:
    path = tmp_path / "fr.yaml"
    path.write_text(FRENCH, encoding="utf-8")
    return path


def test_a_third_language_is_one_data_file(with_french: Path) -> None:
    g = load_grammar([DATA_DIR / "en.yaml", with_french])
    assert g.match("Salut, passe cette chanson stp") == Skip()
    assert g.match("pause") == Pause()  # English and French intents side by side
    assert not isinstance(g.match("mets le volume à cinquante"), Volume)  # no French number words: no level
    assert g.match("volume sur 40") == Volume(level=40)
    assert g.match("transfère la musique sur mon Enceinte Salon") == Transfer(device="Enceinte Salon")
    assert g.match("joue Daft Punk merci") == Play(query="Daft Punk")
    assert g.match("ne pas jouer Daft Punk") is None  # declined: goes to the LLM


def test_slot_values_are_checked_by_the_finisher(with_french: Path) -> None:
    g = load_grammar([with_french])

    def refuse_music(slot: str, original: str, folded: str) -> dict[str, str] | None:
        return None if folded == "de la musique" else {slot: original}

    assert g.match("joue de la musique", refuse_music) is None
    assert g.match("joue Air", refuse_music) == Play(query="Air")


ORDERED = """
fragments:
  prefix: ["(hey|oye)"]
  suffix: ["(please|thanks)"]
intents:
  - name: level_first
    action: {action: volume, level: "{n}"}
    templates:
      - "{n} percent"
  - name: skip
    action: {action: skip}
    templates:
      - "skip [it]"
      - "(next|skip) {n} songs"
  - name: play
    request: true
    action: {action: play, query: "{query}", kind: "{kind}"}
    templates:
      - "play {query}"
      - "start {query}"
      - "play the {query}"
"""


def test_intents_are_tried_in_file_order_whatever_word_they_start_with(tmp_path: Path) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(ORDERED, encoding="utf-8")
    g = load_grammar([path])
    assert g.match("hey 40 percent please") == Volume(level=40)  # a template that opens with a slot
    assert g.match("oye skip it thanks") == Skip()
    assert g.match("skip 40 percent") is None
    assert g.match("hey play Air thanks") == Play(query="Air")  # wrappers peeled: the shortest core first

    def no_article(slot: str, original: str, folded: str) -> dict[str, str] | None:
        return None if folded.startswith("the ") else {slot: original}

    # the first template's reading is refused: a later template of the same intent still gets its turn
    assert g.match("play the Air", no_article) == Play(query="Air")
    assert g.match("start the Air", no_article) is None


WORDS = """
fragments:
  prefix: ["hey"]
  suffix: ["please"]
  vol: "(volume|vol)"
  moods: "(chill|happy go lucky)"
intents:
  - name: up
    action: {action: volume, delta: 10}
    templates:
      - "[turn] [the] <vol> up"
      - "(louder|up|) more"
  - name: mood
    action: {action: recommend, prompt: "{mood}"}
    templates:
      - "[play] something {mood:<moods>}"
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("turn the volume up", Volume(delta=10)),
        ("vol up please", Volume(delta=10)),
        ("more", Volume(delta=10)),  # an empty alternative: the other words are optional
        ("hey louder more", Volume(delta=10)),
        ("something happy go lucky", Recommend(prompt="happy go lucky")),
        ("play something chill", Recommend(prompt="chill")),
        ("turn the sound up", None),
        ("play something sad", None),
    ],
)
def test_optional_words_alternatives_and_fragments_match_wherever_they_are(
    tmp_path: Path, text: str, expected: object
) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(WORDS, encoding="utf-8")
    assert load_grammar([path]).match(text) == expected


@pytest.mark.parametrize(
    "broken",
    [
        "intents: [{name: x, action: {action: pause}, templates: ['(pause']}]",
        "intents: [{name: x, action: {action: pause}, templates: ['pause <nowhere>']}]",
        "intents: [{name: x, action: {action: pause}, templates: ['pause {nope}']}]",
        "intents: [{name: x, action: {action: pause}, templates: ['pause &']}]",
    ],
)
def test_a_broken_template_names_itself(tmp_path: Path, broken: str) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(TemplateError):
        load_grammar([path])


@pytest.mark.parametrize(
    ("text", "played"),
    [
        ("play Never Gonna Give You Up", "Never Gonna Give You Up"),
        ("pon Nunca Es Suficiente", "Nunca Es Suficiente"),
        ("play Alarm by Anne-Marie", "Alarm Anne-Marie"),
        ("don't stop the music", None),
        ("hey bot, never play Despacito again", None),
        ("no pongas reggaeton", None),
        ("set an alarm for 7", None),
        ("play the serial podcast", None),
    ],
)
def test_negations_decline_at_the_start_but_not_inside_a_title(text: str, played: str | None) -> None:
    from bot.nlu.rules import parse_local

    plan = parse_local(text)
    if played is None:
        assert plan is None
    else:
        assert plan is not None and plan.actions == [Play(query=played)]
