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
    "error.not_understood_local": {
        "en": (
            "I didn't understand that. Without an LLM key I only know simple commands like "
            "`play <song>`, `skip`, `volume 50`; try `help`."
        ),
        "es": (
            "No lo he entendido. Sin clave de LLM solo entiendo comandos sencillos como "
            "`pon <canción>`, `siguiente`, `volumen 50`; prueba `ayuda`."
        ),
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
    "llm.over_quota": {
        "en": "The language model's free quota is used up for now; simple commands still work.",
        "es": "La cuota gratuita del modelo de lenguaje está agotada por ahora; los comandos sencillos siguen funcionando.",
    },
    "llm.over_quota_minutes": {
        "en": "The language model's free quota is used up for now (back in about {minutes} min); simple commands still work.",
        "es": "La cuota gratuita del modelo de lenguaje está agotada por ahora (vuelve en unos {minutes} min); los comandos sencillos siguen funcionando.",
    },
    "llm.over_quota_hours": {
        "en": "The language model's free quota for today is used up (back in about {hours} h); simple commands still work.",
        "es": "La cuota gratuita de hoy del modelo de lenguaje está agotada (vuelve en unas {hours} h); los comandos sencillos siguen funcionando.",
    },
    "llm.key_rejected": {
        "en": "The language model refused the bot's API key (the bot owner should check GROQ_API_KEY / OPENROUTER_API_KEY); simple commands still work.",
        "es": "El modelo de lenguaje rechazó la clave de API del bot (quien administra el bot debe revisar GROQ_API_KEY / OPENROUTER_API_KEY); los comandos sencillos siguen funcionando.",
    },
    "llm.command.unavailable": {
        "en": (
            "The language model is unavailable right now, so I could only try the simple commands I know by "
            "myself, and this isn't one of them. Try `play <song>`, `skip`, `volume 50` or `help`."
        ),
        "es": (
            "El modelo de lenguaje no está disponible ahora, así que solo pude probar los comandos sencillos que "
            "conozco por mi cuenta, y este no es uno de ellos. Prueba `pon <canción>`, `siguiente`, `volumen 50` o `ayuda`."
        ),
    },
    "llm.command.over_quota": {
        "en": (
            "The language model's free quota is used up for now, so I could only try the simple commands I know "
            "by myself, and this isn't one of them. Try `play <song>`, `skip`, `volume 50` or `help`."
        ),
        "es": (
            "La cuota gratuita del modelo de lenguaje está agotada por ahora, así que solo pude probar los comandos "
            "sencillos que conozco por mi cuenta, y este no es uno de ellos. Prueba `pon <canción>`, `siguiente`, "
            "`volumen 50` o `ayuda`."
        ),
    },
    "llm.command.over_quota_minutes": {
        "en": (
            "The language model's free quota is used up for now (back in about {minutes} min), so I could only try "
            "the simple commands I know by myself, and this isn't one of them. Try `play <song>`, `skip`, "
            "`volume 50` or `help`."
        ),
        "es": (
            "La cuota gratuita del modelo de lenguaje está agotada por ahora (vuelve en unos {minutes} min), así que "
            "solo pude probar los comandos sencillos que conozco por mi cuenta, y este no es uno de ellos. Prueba "
            "`pon <canción>`, `siguiente`, `volumen 50` o `ayuda`."
        ),
    },
    "llm.command.over_quota_hours": {
        "en": (
            "The language model's free quota for today is used up (back in about {hours} h), so I could only try "
            "the simple commands I know by myself, and this isn't one of them. Try `play <song>`, `skip`, "
            "`volume 50` or `help`."
        ),
        "es": (
            "La cuota gratuita de hoy del modelo de lenguaje está agotada (vuelve en unas {hours} h), así que solo "
            "pude probar los comandos sencillos que conozco por mi cuenta, y este no es uno de ellos. Prueba "
            "`pon <canción>`, `siguiente`, `volumen 50` o `ayuda`."
        ),
    },
    "llm.command.key_rejected": {
        "en": (
            "The language model refused the bot's API key (the bot owner should check GROQ_API_KEY / "
            "OPENROUTER_API_KEY), so I could only try the simple commands I know by myself, and this isn't one of "
            "them. Try `play <song>`, `skip`, `volume 50` or `help`."
        ),
        "es": (
            "El modelo de lenguaje rechazó la clave de API del bot (quien administra el bot debe revisar "
            "GROQ_API_KEY / OPENROUTER_API_KEY), así que solo pude probar los comandos sencillos que conozco por mi "
            "cuenta, y este no es uno de ellos. Prueba `pon <canción>`, `siguiente`, `volumen 50` o `ayuda`."
        ),
    },
    "llm.command.not_configured": {
        "en": (
            "That isn't one of the simple commands I know by myself, and the language model that reads free text "
            "is not configured (the bot owner enables it by setting GROQ_API_KEY or OPENROUTER_API_KEY). "
            "Try `play <song>`, `skip`, `volume 50` or `help`."
        ),
        "es": (
            "Eso no es uno de los comandos sencillos que conozco por mi cuenta, y el modelo de lenguaje que "
            "entiende texto libre no está configurado (quien administra el bot lo activa con GROQ_API_KEY u "
            "OPENROUTER_API_KEY). Prueba `pon <canción>`, `siguiente`, `volumen 50` o `ayuda`."
        ),
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
    "render.device": {"en": "on {name}", "es": "en {name}"},
    "render.volume": {"en": "volume {level}%", "es": "volumen {level}%"},
    "chat.banner": {
        "en": "Spotify bot terminal chat. Type a command (e.g. `play daft punk`, `volume 30`, `help`); Ctrl-D quits.",
        "es": "Chat de terminal del bot de Spotify. Escribe un comando (p. ej. `pon daft punk`, `volumen 30`, `ayuda`); Ctrl-D para salir.",
    },
    "chat.demo_player": {
        "en": "[demo player] No Spotify account linked: commands run on a built-in simulated Spotify player.",
        "es": "[reproductor de demostración] Sin cuenta de Spotify vinculada: los comandos van a un reproductor simulado.",
    },
    "run.no_token": {
        "en": "DISCORD_TOKEN is not set. Put it in the environment or .env (see README), or run `.venv/bin/python -m bot chat` for the terminal chat.",
        "es": "DISCORD_TOKEN no está definido. Ponlo en el entorno o en .env (ver README), o usa `.venv/bin/python -m bot chat` para el chat de terminal.",
    },
    "chat.need_client_id": {
        "en": "Set SPOTIFY_CLIENT_ID (see README: create an app at developer.spotify.com) to link a real account.",
        "es": "Define SPOTIFY_CLIENT_ID (ver README: crea una app en developer.spotify.com) para vincular una cuenta real.",
    },
    "chat.open_url": {
        "en": (
            "Open this address in your browser to link Spotify (it works once, for 10 minutes):\n{url}\n"
            "Waiting for your answer in the browser…"
        ),
        "es": (
            "Abre esta dirección en el navegador para vincular Spotify (sirve una vez, durante 10 minutos):\n{url}\n"
            "Esperando tu respuesta en el navegador…"
        ),
    },
    "chat.open_url.paste": {
        "en": "If the page after approving does not load, copy its whole address and paste it here.",
        "es": "Si la página que aparece después de aceptar no carga, copia su dirección completa y pégala aquí.",
    },
    "chat.link_failed": {
        "en": "Linking did not complete. Run `.venv/bin/python -m bot chat --spotify` to try again.",
        "es": "La vinculación no se completó. Ejecuta `.venv/bin/python -m bot chat --spotify` para reintentarlo.",
    },
    "chat.link_timeout": {
        "en": "No answer from the browser in {minutes} minutes, so nothing was linked. Run `.venv/bin/python -m bot chat --spotify` to try again.",
        "es": "El navegador no respondió en {minutes} minutos, así que no se vinculó nada. Ejecuta `.venv/bin/python -m bot chat --spotify` para reintentarlo.",
    },
    "chat.linked_as": {
        "en": "Linked as {name}.",
        "es": "Vinculado como {name}.",
    },
    "chat.link_needs_relink": {
        "en": "The Spotify link of {name} has expired: linking again.",
        "es": "La vinculación de Spotify de {name} ha caducado: vinculando de nuevo.",
    },
    "chat.port_busy": {
        "en": (
            "Cannot listen on {host}:{port} (something else uses it), so the browser could not come back here. "
            "Stop that program, or set WEB_PORT and the matching SPOTIFY_REDIRECT_URI to a free port."
        ),
        "es": (
            "No puedo escuchar en {host}:{port} (otro programa lo usa), así que el navegador no podría volver aquí. "
            "Cierra ese programa o define WEB_PORT y la SPOTIFY_REDIRECT_URI correspondiente con un puerto libre."
        ),
    },
}
