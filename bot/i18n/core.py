"""Strings shared by every surface: generic errors, permissions, the LLM chain."""

MESSAGES: dict[str, dict[str, str]] = {
    "error.unexpected": {
        "en": "Something went wrong on my side. Please try again in a moment.",
        "es": "Algo falló por mi parte. Vuelve a intentarlo en un momento.",
    },
    "error.not_allowed": {
        "en": "Only members with the DJ role (or Manage Server) can control playback here.",
        "es": "Solo quien tiene el rol de DJ (o Gestionar servidor) puede controlar la música aquí.",
    },
    "error.cooldown": {
        "en": "Easy there! Try again in {seconds:.0f} s.",
        "es": "¡Con calma! Vuelve a intentarlo en {seconds:.0f} s.",
    },
    "error.not_understood": {
        "en": "I didn't understand that. Try `play <song>`, `skip`, `volume 50` or `help`.",
        "es": "No lo he entendido. Prueba `pon <canción>`, `siguiente`, `volumen 50` o `ayuda`.",
    },
    "error.empty": {
        "en": "Tell me what to do, for example `play Daft Punk` or `help`.",
        "es": "Dime qué hacer, por ejemplo `pon Daft Punk` o `ayuda`.",
    },
    "llm.local_only": {
        "en": "No LLM key is configured: only the local command parser is active.",
        "es": "No hay ninguna clave de LLM configurada: solo funciona el intérprete local de comandos.",
    },
    "llm.unavailable": {
        "en": "The language model is unavailable right now; simple commands still work.",
        "es": "El modelo de lenguaje no está disponible ahora; los comandos sencillos siguen funcionando.",
    },
    "guild_only": {
        "en": "That only works in a server.",
        "es": "Eso solo funciona en un servidor.",
    },
    "reply.text": {"en": "{text}", "es": "{text}"},
    "help.text": {
        "en": (
            "Talk to me in plain English or Spanish, or use slash commands. Examples:\n"
            "• `play Daft Punk`, `play Get Lucky by Daft Punk`, `queue Around the World`\n"
            "• `pause`, `resume`, `skip 2`, `previous`, `seek 1:30`, `forward 30 seconds`\n"
            "• `volume 40`, `turn it up`, `mute`, `shuffle on`, `repeat this song`\n"
            "• `what's playing`, `show the queue`, `like this`, `devices`\n"
            "• `recommend something like Daft Punk`, `add this to my Chill playlist`"
        ),
        "es": (
            "Háblame en español o en inglés, o usa los comandos de barra. Ejemplos:\n"
            "• `pon Daft Punk`, `reproduce Get Lucky de Daft Punk`, `añade Around the World a la cola`\n"
            "• `pausa`, `continúa`, `siguiente`, `salta 2`, `anterior`, `ve al 1:30`, `adelanta 30 segundos`\n"
            "• `volumen 40`, `súbele`, `bájale`, `silencio`, `aleatorio`, `repite esta canción`\n"
            "• `qué suena`, `muestra la cola`, `me gusta`, `dispositivos`\n"
            "• `recomiéndame algo como Daft Punk`, `añade esta a mi lista Chill`"
        ),
    },
}
