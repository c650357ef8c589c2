"""Strings for the Discord surface: slash-command descriptions, option names, panel and button labels.

Keys starting with `ui.cmd.`, `ui.opt.`, `ui.optdesc.` and `ui.choice.` feed the slash-command Translator
(Discord shows them to es-ES and es-419 users); the rest are messages the cogs send.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Command descriptions (Discord: 1-100 characters)
    "ui.cmd.play": {
        "en": "Play a song, artist, album or playlist",
        "es": "Reproduce una canción, artista, álbum o lista",
    },
    "ui.cmd.pause": {"en": "Pause playback", "es": "Pausa la reproducción"},
    "ui.cmd.resume": {"en": "Resume playback", "es": "Reanuda la reproducción"},
    "ui.cmd.skip": {"en": "Skip to the next track", "es": "Salta a la siguiente canción"},
    "ui.cmd.previous": {"en": "Go back to the previous track", "es": "Vuelve a la canción anterior"},
    "ui.cmd.seek": {
        "en": "Jump to a position in the current track",
        "es": "Salta a un punto de la canción actual",
    },
    "ui.cmd.volume": {"en": "Set the volume (0-100)", "es": "Ajusta el volumen (0-100)"},
    "ui.cmd.shuffle": {"en": "Turn shuffle on or off", "es": "Activa o desactiva el modo aleatorio"},
    "ui.cmd.repeat": {"en": "Set the repeat mode", "es": "Elige el modo de repetición"},
    "ui.cmd.queue": {"en": "The playback queue", "es": "La cola de reproducción"},
    "ui.cmd.queue.add": {"en": "Add a song to the queue", "es": "Añade una canción a la cola"},
    "ui.cmd.queue.show": {"en": "Show what plays next", "es": "Muestra lo que suena después"},
    "ui.cmd.nowplaying": {
        "en": "Show what is playing, with controls",
        "es": "Muestra lo que suena, con controles",
    },
    "ui.cmd.devices": {
        "en": "List Spotify devices and move playback",
        "es": "Lista los dispositivos y cambia dónde suena",
    },
    "ui.cmd.recommend": {"en": "Get song recommendations", "es": "Recibe recomendaciones de canciones"},
    "ui.cmd.playlist": {"en": "Your Spotify playlists", "es": "Tus listas de Spotify"},
    "ui.cmd.playlist.create": {"en": "Create a playlist", "es": "Crea una lista"},
    "ui.cmd.playlist.add": {
        "en": "Add the current song (or one you name) to a playlist",
        "es": "Añade la canción actual (u otra) a una lista",
    },
    "ui.cmd.like": {
        "en": "Save the current song to your library",
        "es": "Guarda la canción actual en tu biblioteca",
    },
    "ui.cmd.ask": {"en": "Ask in your own words", "es": "Pide lo que quieras con tus palabras"},
    "ui.cmd.spotify": {"en": "Your Spotify account", "es": "Tu cuenta de Spotify"},
    "ui.cmd.spotify.link": {"en": "Link your Spotify account", "es": "Vincula tu cuenta de Spotify"},
    "ui.cmd.spotify.unlink": {"en": "Unlink your Spotify account", "es": "Desvincula tu cuenta de Spotify"},
    "ui.cmd.spotify.status": {
        "en": "Show which Spotify account is linked",
        "es": "Muestra qué cuenta de Spotify está vinculada",
    },
    "ui.cmd.settings": {
        "en": "Server settings (Manage Server)",
        "es": "Ajustes del servidor (Gestionar servidor)",
    },
    "ui.cmd.settings.dj-role": {
        "en": "Set or clear the role that controls playback",
        "es": "Elige o quita el rol que controla la música",
    },
    "ui.cmd.settings.language": {"en": "Set the bot's language here", "es": "Elige el idioma del bot aquí"},
    "ui.cmd.settings.controller": {
        "en": "Whose Spotify account plays for this server",
        "es": "Qué cuenta de Spotify suena en este servidor",
    },
    "ui.cmd.settings.client-id": {
        "en": "Use your own Spotify app for this server",
        "es": "Usa tu propia app de Spotify en este servidor",
    },
    "ui.cmd.help": {"en": "How to use the bot", "es": "Cómo usar el bot"},
    # Option names (Discord: lowercase, 1-32 characters, no spaces)
    "ui.opt.query": {"en": "query", "es": "búsqueda"},
    "ui.opt.count": {"en": "count", "es": "cantidad"},
    "ui.opt.position": {"en": "position", "es": "posición"},
    "ui.opt.level": {"en": "level", "es": "nivel"},
    "ui.opt.state": {"en": "state", "es": "estado"},
    "ui.opt.mode": {"en": "mode", "es": "modo"},
    "ui.opt.prompt": {"en": "prompt", "es": "petición"},
    "ui.opt.name": {"en": "name", "es": "nombre"},
    "ui.opt.text": {"en": "text", "es": "texto"},
    "ui.opt.url": {"en": "url", "es": "url"},
    "ui.opt.role": {"en": "role", "es": "rol"},
    "ui.opt.language": {"en": "language", "es": "idioma"},
    "ui.opt.user": {"en": "user", "es": "usuario"},
    "ui.opt.client-id": {"en": "client-id", "es": "id-cliente"},
    # Option descriptions
    "ui.optdesc.query": {"en": "Song, artist, album or playlist", "es": "Canción, artista, álbum o lista"},
    "ui.optdesc.count": {"en": "How many", "es": "Cuántas"},
    "ui.optdesc.position": {"en": "Where to jump, e.g. 1:30 or 90", "es": "Adónde saltar, p. ej. 1:30 o 90"},
    "ui.optdesc.level": {"en": "Volume from 0 to 100", "es": "Volumen de 0 a 100"},
    "ui.optdesc.state": {"en": "On or off", "es": "Activado o desactivado"},
    "ui.optdesc.mode": {"en": "Repeat mode", "es": "Modo de repetición"},
    "ui.optdesc.prompt": {"en": "What you feel like hearing", "es": "Qué te apetece escuchar"},
    "ui.optdesc.name": {"en": "Playlist name", "es": "Nombre de la lista"},
    "ui.optdesc.song": {
        "en": "Song to add (default: the current one)",
        "es": "Canción que añadir (por defecto, la actual)",
    },
    "ui.optdesc.text": {"en": "What you want, in your own words", "es": "Lo que quieres, con tus palabras"},
    "ui.optdesc.url": {
        "en": "The address Spotify sent you back to, if linking did not finish",
        "es": "La dirección a la que te devolvió Spotify, si la vinculación no terminó",
    },
    "ui.optdesc.role": {
        "en": "The DJ role (leave empty to clear)",
        "es": "El rol de DJ (vacío para quitarlo)",
    },
    "ui.optdesc.language": {"en": "Language for this server", "es": "Idioma para este servidor"},
    "ui.optdesc.user": {
        "en": "Member whose account plays (empty to clear)",
        "es": "Miembro cuya cuenta suena (vacío para quitarlo)",
    },
    "ui.optdesc.client-id": {
        "en": "Spotify app client id (empty to clear)",
        "es": "Client id de la app de Spotify (vacío para quitarlo)",
    },
    # Choices
    "ui.choice.on": {"en": "on", "es": "activado"},
    "ui.choice.off": {"en": "off", "es": "desactivado"},
    "ui.choice.repeat.track": {"en": "this track", "es": "esta canción"},
    "ui.choice.repeat.context": {"en": "album or playlist", "es": "álbum o lista"},
    "ui.choice.lang.auto": {"en": "each user's Discord language", "es": "el idioma de Discord de cada cual"},
    "ui.choice.lang.en": {"en": "English", "es": "inglés"},
    "ui.choice.lang.es": {"en": "Spanish", "es": "español"},
    # Messages and labels
    "ui.nothing_playing": {"en": "Nothing is playing right now.", "es": "No suena nada ahora mismo."},
    "ui.panel.device": {"en": "Device", "es": "Dispositivo"},
    "ui.panel.volume": {"en": "Volume", "es": "Volumen"},
    "ui.panel.album": {"en": "Album", "es": "Álbum"},
    "ui.panel.shuffle_on": {"en": "shuffle on", "es": "aleatorio activado"},
    "ui.panel.repeat": {"en": "repeat: {mode}", "es": "repetición: {mode}"},
    "ui.more": {"en": "…and {count} more", "es": "…y {count} más"},
    "ui.seek.bad_position": {
        "en": "I could not read that position. Use minutes:seconds like 1:30, or seconds like 90.",
        "es": "No entendí esa posición. Usa minutos:segundos como 1:30, o segundos como 90.",
    },
    "ui.seek.too_far": {
        "en": "That position is past the end of any song: use at most 24:00:00.",
        "es": "Esa posición está más allá del final de cualquier canción: usa como mucho 24:00:00.",
    },
    "ui.link.button": {"en": "Link Spotify", "es": "Vincular Spotify"},
    "ui.link.instructions": {
        "en": (
            "Press **Link Spotify** and accept. If the page you land on does not load, copy its whole address "
            "and run `/spotify link url:<address>`."
        ),
        "es": (
            "Pulsa **Vincular Spotify** y acepta. Si la página a la que llegas no carga, copia su dirección "
            "completa y usa `/spotify link url:<dirección>`."
        ),
    },
    "ui.link.unavailable": {
        "en": "Linking Spotify accounts is not set up on this bot (no Spotify app configured).",
        "es": "La vinculación de cuentas de Spotify no está configurada en este bot (falta la app de Spotify).",
    },
    "ui.link.status": {
        "en": "Linked to Spotify as **{name}**.",
        "es": "Vinculado a Spotify como **{name}**.",
    },
    "ui.link.status_relink": {
        "en": "Linked to Spotify as **{name}**, but the link expired: run `/spotify link` again.",
        "es": "Vinculado a Spotify como **{name}**, pero el enlace caducó: vuelve a usar `/spotify link`.",
    },
    "ui.link.none": {
        "en": "No Spotify account is linked.",
        "es": "No hay ninguna cuenta de Spotify vinculada.",
    },
    "ui.unlink.done": {
        "en": "Your Spotify account is unlinked.",
        "es": "Tu cuenta de Spotify está desvinculada.",
    },
    "ui.unlink.none": {
        "en": "There was no Spotify account to unlink.",
        "es": "No había ninguna cuenta de Spotify que desvincular.",
    },
    "ui.settings.need_manage": {
        "en": "Only members with Manage Server can change the bot's settings.",
        "es": "Solo quien tiene Gestionar servidor puede cambiar los ajustes del bot.",
    },
    "ui.settings.dj_role_set": {
        "en": "Only {role} (and Manage Server) can control playback now.",
        "es": "Ahora solo {role} (y Gestionar servidor) puede controlar la música.",
    },
    "ui.settings.dj_role_cleared": {
        "en": "Everyone can control playback now.",
        "es": "Ahora todo el mundo puede controlar la música.",
    },
    "ui.settings.language_set": {"en": "I will speak English here.", "es": "Hablaré español aquí."},
    "ui.settings.language_auto": {
        "en": "I will follow each member's Discord language.",
        "es": "Seguiré el idioma de Discord de cada cual.",
    },
    "ui.settings.controller_set": {
        "en": "This server now plays on {user}'s Spotify account.",
        "es": "Este servidor ahora suena con la cuenta de Spotify de {user}.",
    },
    "ui.settings.controller_cleared": {
        "en": "No member's account is pinned: whoever links first plays.",
        "es": "No hay ninguna cuenta fijada: suena la de quien vincule primero.",
    },
    "ui.settings.client_id_set": {
        "en": "This server now uses its own Spotify app. Add this redirect URI to that app: `{redirect_uri}`",
        "es": "Este servidor usa ahora su propia app de Spotify. Añade esta URI de redirección a la app: `{redirect_uri}`",
    },
    "ui.settings.client_id_cleared": {
        "en": "This server uses the bot's Spotify app again.",
        "es": "Este servidor vuelve a usar la app de Spotify del bot.",
    },
    "ui.recommend.play": {"en": "Play all", "es": "Reproducir todo"},
    "ui.recommend.queue": {"en": "Add to queue", "es": "Añadir a la cola"},
    "ui.recommend.save": {"en": "Save as playlist", "es": "Guardar como lista"},
    "ui.recommend.played": {
        "en": "Playing {count} recommended tracks.",
        "es": "Reproduciendo {count} canciones recomendadas.",
    },
    "ui.recommend.queued": {
        "en": "Added {count} tracks to the queue.",
        "es": "Añadidas {count} canciones a la cola.",
    },
    "ui.recommend.playlist_name": {"en": "Recommended: {prompt}", "es": "Recomendadas: {prompt}"},
    "ui.devices.placeholder": {"en": "Move playback to…", "es": "Llevar la música a…"},
    "ui.expired.recommend": {
        "en": "These buttons expired: run `/recommend` again.",
        "es": "Estos botones caducaron: vuelve a usar `/recommend`.",
    },
    "ui.expired.devices": {
        "en": "This menu expired: run `/devices` again.",
        "es": "Este menú caducó: vuelve a usar `/devices`.",
    },
    "ui.expired.generic": {
        "en": "This menu expired: run the command again.",
        "es": "Este menú caducó: vuelve a usar el comando.",
    },
    "ui.devices.unselectable": {
        "en": "Devices without an id cannot be chosen here; start playback on them in Spotify.",
        "es": "Los dispositivos sin id no se pueden elegir aquí; empieza a reproducir en ellos desde Spotify.",
    },
    "ui.sync.owner_only": {
        "en": "Only the bot's owner can sync its slash commands.",
        "es": "Solo el dueño del bot puede sincronizar sus comandos de barra.",
    },
    "ui.sync.cleared_here": {
        "en": "Removed this server's own copies of the commands; the global ones remain.",
        "es": "He quitado las copias de los comandos de este servidor; quedan los globales.",
    },
    "ui.sync.unchanged": {
        "en": "The slash commands are already up to date.",
        "es": "Los comandos de barra ya están al día.",
    },
    "invite.no_app_id": {
        "en": "Set DISCORD_TOKEN (or DISCORD_APPLICATION_ID) to print the invite links.",
        "es": "Define DISCORD_TOKEN (o DISCORD_APPLICATION_ID) para ver los enlaces de invitación.",
    },
    "invite.urls": {
        "en": "Add the bot to a server (permissions {permissions}: View Channels, Send Messages, Send Messages in Threads, Embed Links, Read Message History):\n{guild}\nInstall it for yourself (its commands in any DM or server):\n{user}",
        "es": "Añade el bot a un servidor (permisos {permissions}: Ver canales, Enviar mensajes, Enviar mensajes en hilos, Insertar enlaces, Leer el historial):\n{guild}\nInstálalo para ti (sus comandos en cualquier MD o servidor):\n{user}",
    },
    "run.token_refused": {
        "en": "Discord refused DISCORD_TOKEN: reset the token in the developer portal (your app → Bot → Reset Token) and put the new one in .env.",
        "es": "Discord rechazó DISCORD_TOKEN: genera uno nuevo en el portal de desarrolladores (tu app → Bot → Reset Token) y ponlo en .env.",
    },
    "run.intents_refused": {
        "en": "Discord refused the Message Content intent: enable it in the developer portal (your app → Bot) or set MESSAGE_CONTENT_INTENT=false.",
        "es": "Discord rechazó el intent Message Content: actívalo en el portal de desarrolladores (tu app → Bot) o pon MESSAGE_CONTENT_INTENT=false.",
    },
    "run.unreachable": {
        "en": "Could not reach Discord ({reason}): check the network connection and try again.",
        "es": "No se pudo contactar con Discord ({reason}): revisa la conexión de red y vuelve a intentarlo.",
    },
    "run.shard_count_needed": {
        "en": "SHARD_IDS needs SHARD_COUNT larger than every shard id, e.g. SHARD_IDS=0,1 SHARD_COUNT=2.",
        "es": "SHARD_IDS necesita SHARD_COUNT mayor que cada id de shard, p. ej. SHARD_IDS=0,1 SHARD_COUNT=2.",
    },
    "ui.sync.done": {
        "en": "Synced {count} slash commands.",
        "es": "Sincronizados {count} comandos de barra.",
    },
}
