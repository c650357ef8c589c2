"""Strings for Spotify outcomes and errors (owned by bot/spotify)."""

MESSAGES: dict[str, dict[str, str]] = {
    "spotify.not_linked": {
        "en": "Your Spotify account is not linked yet. Use `/spotify link` to connect it.",
        "es": "Tu cuenta de Spotify aún no está vinculada. Usa `/spotify link` para conectarla.",
    },
    "spotify.guild_not_linked": {
        "en": "No Spotify account controls this server yet. Someone can connect one with `/spotify link`.",
        "es": "Ninguna cuenta de Spotify controla este servidor todavía. Alguien puede conectar una con `/spotify link`.",
    },
    "spotify.link_expired": {
        "en": "The Spotify link has expired. Run `/spotify link` again to reconnect.",
        "es": "La vinculación con Spotify ha caducado. Vuelve a usar `/spotify link` para reconectar.",
    },
    "spotify.app_rejected": {
        "en": (
            "Spotify refuses this bot's app credentials (the app was deleted or its secret changed), so "
            "nothing can reach Spotify. The bot's owner needs to fix SPOTIFY_CLIENT_ID and "
            "SPOTIFY_CLIENT_SECRET; if the app was replaced, link again with `/spotify link` afterwards."
        ),
        "es": (
            "Spotify rechaza las credenciales de la app de este bot (se borró la app o cambió su secreto), "
            "así que nada llega a Spotify. Quien gestiona el bot tiene que corregir SPOTIFY_CLIENT_ID y "
            "SPOTIFY_CLIENT_SECRET; si se sustituyó la app, vuelve a vincular con `/spotify link` después."
        ),
    },
    "spotify.guild_app_rejected": {
        "en": (
            "Spotify no longer accepts the Spotify app this account was linked through (this server's own "
            "app was deleted or changed). A server admin needs to set a working one with "
            "`/settings client-id` (or clear it); then link again with `/spotify link`."
        ),
        "es": (
            "Spotify ya no acepta la app de Spotify con la que se vinculó esta cuenta (la app propia de "
            "este servidor se borró o cambió). Un administrador del servidor tiene que poner una que "
            "funcione con `/settings client-id` (o quitarla); después vuelve a vincular con `/spotify link`."
        ),
    },
    "spotify.no_active_device": {
        "en": "Spotify has no active device. Open Spotify somewhere, or pick one with `/devices`.",
        "es": "Spotify no tiene ningún dispositivo activo. Abre Spotify en algún sitio o elige uno con `/devices`.",
    },
    "spotify.premium_required": {
        "en": "Controlling playback needs Spotify Premium on the linked account.",
        "es": "Controlar la reproducción requiere Spotify Premium en la cuenta vinculada.",
    },
    "spotify.rate_limited": {
        "en": "Spotify asked us to wait {seconds} s. Please try again after that.",
        "es": "Spotify nos pidió esperar {seconds} s. Vuelve a intentarlo después.",
    },
    "spotify.nothing_found": {
        "en": 'Nothing found on Spotify for "{query}". Try other words.',
        "es": 'No encontré nada en Spotify para "{query}". Prueba con otras palabras.',
    },
    "spotify.unavailable": {
        "en": "Spotify is not answering right now. Please try again in a minute.",
        "es": "Spotify no responde ahora mismo. Vuelve a intentarlo en un minuto.",
    },
    "spotify.no_active_device.list": {
        "en": 'Spotify has no active device. Available: {devices}. Use `/devices` or say "transfer to {device}" to play there.',
        "es": 'Spotify no tiene ningún dispositivo activo. Disponibles: {devices}. Usa `/devices` o di "pasa a {device}" para reproducir allí.',
    },
    "spotify.no_devices": {
        "en": "No Spotify devices are available. Open Spotify on a phone, computer or speaker first.",
        "es": "No hay dispositivos de Spotify disponibles. Abre Spotify primero en un móvil, ordenador o altavoz.",
    },
    "spotify.device_not_found": {
        "en": 'No device called "{device}". Available: {devices}.',
        "es": 'No hay ningún dispositivo llamado "{device}". Disponibles: {devices}.',
    },
    "spotify.forbidden": {
        "en": "Spotify refused that for the linked account. Link it again with `/spotify link`, or check the app allows this user.",
        "es": "Spotify lo rechazó para la cuenta vinculada. Vuelve a vincularla con `/spotify link` o comprueba que la app admite a este usuario.",
    },
    "spotify.not_found": {
        "en": "Spotify could not find that item. It may have been removed.",
        "es": "Spotify no encontró ese elemento. Puede que se haya eliminado.",
    },
    "spotify.rejected": {
        "en": "Spotify did not accept that request. Please try something else.",
        "es": "Spotify no aceptó esa petición. Prueba con otra cosa.",
    },
    "spotify.nothing_playing": {
        "en": "Nothing is playing right now. Start something first.",
        "es": "No suena nada ahora mismo. Pon algo primero.",
    },
    "spotify.nothing_loaded": {
        "en": "Nothing is playing on {device} yet. Start something first, e.g. `play Daft Punk`.",
        "es": "Todavía no suena nada en {device}. Pon algo primero, p. ej. `pon Daft Punk`.",
    },
    "spotify.playlist_none": {
        "en": 'You have no playlist called "{name}" (you have no playlists yet).',
        "es": 'No tienes ninguna playlist llamada "{name}" (aún no tienes playlists).',
    },
    "spotify.playlist_not_found": {
        "en": 'You have no playlist called "{name}". Your playlists: {playlists}.',
        "es": 'No tienes ninguna playlist llamada "{name}". Tus playlists: {playlists}.',
    },
    "spotify.recommend.no_llm": {
        "en": "Recommendations need an LLM key (GROQ_API_KEY or OPENROUTER_API_KEY). Ask the bot owner to set one.",
        "es": "Las recomendaciones necesitan una clave de LLM (GROQ_API_KEY u OPENROUTER_API_KEY). Pide al dueño del bot que configure una.",
    },
    "spotify.play.ok": {"en": "Playing **{track}**", "es": "Reproduciendo **{track}**"},
    "spotify.play.artist": {
        "en": "Playing songs by **{name}**",
        "es": "Reproduciendo canciones de **{name}**",
    },
    "spotify.play.album": {"en": "Playing the album **{name}**", "es": "Reproduciendo el álbum **{name}**"},
    "spotify.play.playlist": {
        "en": "Playing the playlist **{name}**",
        "es": "Reproduciendo la playlist **{name}**",
    },
    "spotify.play_uris.ok": {"en": "Playing {count} tracks", "es": "Reproduciendo {count} canciones"},
    "spotify.pause.ok": {"en": "Paused.", "es": "En pausa."},
    "spotify.resume.ok": {"en": "Resumed.", "es": "Reanudado."},
    "spotify.skip.ok": {"en": "Skipped to the next track.", "es": "Pasando a la siguiente canción."},
    "spotify.skip.many": {"en": "Skipped {count} tracks.", "es": "Saltadas {count} canciones."},
    "spotify.previous.ok": {"en": "Back to the previous track.", "es": "Volviendo a la canción anterior."},
    "spotify.seek.ok": {
        "en": "Jumped to {position} of {duration}.",
        "es": "Saltando a {position} de {duration}.",
    },
    "spotify.volume.ok": {"en": "Volume set to {level}%", "es": "Volumen al {level}%"},
    "spotify.shuffle.on": {"en": "Shuffle is on.", "es": "Modo aleatorio activado."},
    "spotify.shuffle.off": {"en": "Shuffle is off.", "es": "Modo aleatorio desactivado."},
    "spotify.repeat.off": {"en": "Repeat is off.", "es": "Repetición desactivada."},
    "spotify.repeat.track": {"en": "Repeating this track.", "es": "Repitiendo esta canción."},
    "spotify.repeat.context": {
        "en": "Repeating the album or playlist.",
        "es": "Repitiendo el álbum o la playlist.",
    },
    "spotify.queue_add.ok": {"en": "Added **{track}** to the queue.", "es": "**{track}** añadida a la cola."},
    "spotify.queue_uris.ok": {
        "en": "Added {count} tracks to the queue.",
        "es": "{count} canciones añadidas a la cola.",
    },
    "spotify.show_queue.ok": {"en": "Up next ({count}):\n{list}", "es": "A continuación ({count}):\n{list}"},
    "spotify.show_queue.empty": {"en": "The queue is empty.", "es": "La cola está vacía."},
    "spotify.now_playing.ok": {
        "en": "Now playing **{track}** by {artists} ({progress} / {duration}) on {device}",
        "es": "Suena **{track}** de {artists} ({progress} / {duration}) en {device}",
    },
    "spotify.now_playing.paused": {
        "en": "Paused: **{track}** by {artists} ({progress} / {duration}) on {device}",
        "es": "En pausa: **{track}** de {artists} ({progress} / {duration}) en {device}",
    },
    "spotify.now_playing.nothing": {
        "en": "Nothing is playing right now.",
        "es": "No suena nada ahora mismo.",
    },
    "spotify.like.ok": {
        "en": "Saved **{track}** to your library.",
        "es": "**{track}** guardada en tu biblioteca.",
    },
    "spotify.add_to_playlist.ok": {
        "en": "Added **{track}** to **{playlist}**.",
        "es": "**{track}** añadida a **{playlist}**.",
    },
    "spotify.create_playlist.ok": {
        "en": "Created the playlist **{name}**.",
        "es": "Playlist **{name}** creada.",
    },
    "spotify.save_playlist.ok": {
        "en": "Saved {count} tracks to the new playlist **{name}**.",
        "es": "{count} canciones guardadas en la nueva playlist **{name}**.",
    },
    "spotify.recommend.ok": {
        "en": '{count} suggestions for "{prompt}":\n{list}',
        "es": '{count} sugerencias para "{prompt}":\n{list}',
    },
    "spotify.search.ok": {
        "en": 'Results for "{query}":\n{list}',
        "es": 'Resultados para "{query}":\n{list}',
    },
    "spotify.devices.ok": {"en": "Your devices:\n{list}", "es": "Tus dispositivos:\n{list}"},
    "spotify.devices.none": {
        "en": "No Spotify devices are available. Open Spotify on a phone, computer or speaker.",
        "es": "No hay dispositivos de Spotify disponibles. Abre Spotify en un móvil, ordenador o altavoz.",
    },
    "spotify.transfer.ok": {"en": "Now playing on **{device}**.", "es": "Ahora suena en **{device}**."},
    "spotify.player_restricted": {
        "en": "Spotify does not allow that on this device right now.",
        "es": "Spotify no permite eso en este dispositivo ahora mismo.",
    },
    "spotify.pause.already": {"en": "Already paused.", "es": "Ya está en pausa."},
    "spotify.resume.already": {"en": "Already playing.", "es": "Ya está sonando."},
}
