"""Strings for the conversation itself: small talk, what was not done, offers, the terminal tour and link."""

MESSAGES: dict[str, dict[str, str]] = {
    "smalltalk.greeting": {
        "en": "Hi! Tell me what to play, or say `help`.",
        "es": "¡Hola! Dime qué pongo, o escribe `ayuda`.",
    },
    "smalltalk.thanks": {"en": "You're welcome! 🎶", "es": "¡De nada! 🎶"},
    "smalltalk.laugh": {"en": "😄", "es": "😄"},
    "smalltalk.ack": {"en": "👍", "es": "👍"},
    "assistant.not_done": {
        "en": "Because of that, I did not go on to {rest}.",
        "es": "Por eso no seguí con lo demás: {rest}.",
    },
    "assistant.offer.create_playlist": {
        "en": 'Shall I create a playlist called "{name}" and add the song to it?',
        "es": '¿Creo una playlist llamada "{name}" y le añado la canción?',
    },
    "ui.assistant.offer.create_playlist": {"en": 'Create "{name}"', "es": 'Crear "{name}"'},
    "ui.offer.not_yours": {
        "en": "Only the person who asked can answer this.",
        "es": "Solo quien lo pidió puede responder a esto.",
    },
    "assistant.offer.declined": {
        "en": "OK, I did not create anything.",
        "es": "Vale, no he creado nada.",
    },
    # Short names of actions, for "I did not go on to ...": English infinitives, Spanish infinitives.
    "action.play": {"en": 'play "{query}"', "es": 'poner "{query}"'},
    "action.pause": {"en": "pause", "es": "pausar"},
    "action.resume": {"en": "resume", "es": "reanudar"},
    "action.skip": {"en": "skip", "es": "saltar la canción"},
    "action.previous": {"en": "go back a track", "es": "volver a la anterior"},
    "action.seek": {"en": "jump within the track", "es": "saltar dentro de la canción"},
    "action.volume": {"en": "change the volume", "es": "cambiar el volumen"},
    "action.shuffle": {"en": "change shuffle", "es": "cambiar el modo aleatorio"},
    "action.repeat": {"en": "change repeat", "es": "cambiar la repetición"},
    "action.queue_add": {"en": 'queue "{query}"', "es": 'añadir "{query}" a la cola'},
    "action.show_queue": {"en": "show the queue", "es": "mostrar la cola"},
    "action.now_playing": {"en": "say what is playing", "es": "decir qué suena"},
    "action.like": {"en": "save the song", "es": "guardar la canción"},
    "action.add_to_playlist": {"en": 'add to "{playlist}"', "es": 'añadir a "{playlist}"'},
    "action.create_playlist": {"en": 'create "{name}"', "es": 'crear "{name}"'},
    "action.recommend": {"en": "recommend songs", "es": "recomendar canciones"},
    "action.devices": {"en": "list the devices", "es": "mostrar los dispositivos"},
    "action.dj_start": {"en": 'start DJ mode ("{vibe}")', "es": 'activar el modo DJ ("{vibe}")'},
    "action.dj_stop": {"en": "stop DJ mode", "es": "parar el modo DJ"},
    "action.transfer": {"en": 'move playback to "{device}"', "es": 'pasar la música a "{device}"'},
    "action.search": {"en": 'search "{query}"', "es": 'buscar "{query}"'},
    "action.help": {"en": "show the help", "es": "mostrar la ayuda"},
    "action.reply": {"en": "answer", "es": "responder"},
    "list.and": {"en": " and ", "es": " y "},
    "chat.yes_no": {"en": "(yes/no)", "es": "(sí/no)"},
    "chat.tour": {
        "en": (
            "A short tour; every line works here, on the demo player, with no account or key:\n"
            "  play daft punk                     start an artist (or a song: play get lucky)\n"
            "  what is playing                    the song, a progress bar, the device\n"
            "  volume 30 · turn it up · mute      set or nudge the volume\n"
            "  skip · previous · go to 1:30       move around\n"
            "  pause · resume\n"
            "  queue get lucky · show the queue\n"
            "  save this song                     to your library\n"
            "  add this to my gym playlist        (I offer to create the playlist)\n"
            "  shuffle on · repeat this song · repeat off\n"
            "  devices · transfer to Demo Laptop  the demo's speakers, and moving the music\n"
            "  play get lucky and volume 60       two things at once\n"
            "Spanish works too: pon daft punk, qué suena, súbele. Ctrl-D quits."
        ),
        "es": (
            "Un recorrido corto; cada línea funciona aquí, en el reproductor de demostración, sin cuenta ni clave:\n"
            "  pon daft punk                      un artista (o una canción: pon get lucky)\n"
            "  qué suena                          la canción, una barra de progreso, el dispositivo\n"
            "  volumen 30 · súbele · silencio     fija o ajusta el volumen\n"
            "  siguiente · anterior · ve al 1:30\n"
            "  pausa · continúa\n"
            "  añade get lucky a la cola · muestra la cola\n"
            "  guarda esta canción                en tu biblioteca\n"
            "  añade esta a mi lista gym          (te ofrezco crear la lista)\n"
            "  aleatorio · repite esta canción · quita el aleatorio\n"
            "  dispositivos · pasa a Demo Laptop  los altavoces de la demo, y mover la música\n"
            "  pon get lucky y volumen 60         dos cosas a la vez\n"
            "También en inglés: play daft punk, what is playing, turn it up. Ctrl-D para salir."
        ),
    },
}
