"""Strings of personal recommendations and DJ mode."""

MESSAGES: dict[str, dict[str, str]] = {
    "recommend.for_you": {
        "en": "{count} songs for you, picked from what you listen to (none you saved or played lately):\n{list}",
        "es": "{count} canciones para ti, elegidas según lo que escuchas (ninguna guardada ni escuchada hace poco):\n{list}",
    },
    "recommend.for_prompt_taste": {
        "en": '{count} suggestions for "{prompt}", tuned to your listening:\n{list}',
        "es": '{count} sugerencias para "{prompt}", ajustadas a lo que escuchas:\n{list}',
    },
    "recommend.no_model": {
        "en": "No AI model is answering right now.",
        "es": "Ningún modelo de IA responde ahora.",
    },
    "recommend.no_key": {
        "en": "No AI model is configured (no LLM key).",
        "es": "No hay ningún modelo de IA configurado (falta la clave de LLM).",
    },
    "recommend.from_listening": {
        "en": (
            "{why}So these {count} songs come from your listening (your top and recent artists, none you "
            "saved), not from your words:\n{list}"
        ),
        "es": (
            "{why}Así que estas {count} canciones salen de lo que escuchas (tus artistas más escuchados y "
            "recientes, ninguna guardada), no de lo que has pedido:\n{list}"
        ),
    },
    "recommend.needs_scopes": {
        "en": "I can't see your listening history yet: link Spotify again (button below) so picks fit your taste.",
        "es": "Aún no puedo ver lo que escuchas: vuelve a vincular Spotify (botón de abajo) para que las sugerencias se ajusten a tu gusto.",
    },
    "recommend.unavailable": {
        "en": (
            "No AI model is answering right now and I can't see any listening history of yours to pick from, "
            "so I can't recommend anything yet. Try again in a while."
        ),
        "es": (
            "Ningún modelo de IA responde ahora y no puedo ver nada de lo que escuchas para elegir, "
            "así que todavía no puedo recomendarte nada. Inténtalo dentro de un rato."
        ),
    },
    "recommend.playlist_for_you": {"en": "For you · {date}", "es": "Para ti · {date}"},
    "recommend.playlist_prompt": {
        "en": "Recommended: {prompt} · {date}",
        "es": "Recomendadas: {prompt} · {date}",
    },
    "recommend.relink_button": {"en": "Link Spotify again", "es": "Volver a vincular Spotify"},
    "dj.started": {
        "en": "DJ mode is on: **{vibe}**. I'll keep at least three songs coming. Up next:\n{list}",
        "es": "Modo DJ activado: **{vibe}**. Mantendré al menos tres canciones en cola. A continuación:\n{list}",
    },
    "dj.started_full": {
        "en": "DJ mode is on: **{vibe}**. {n} songs are already coming; I'll add more before they run out.",
        "es": "Modo DJ activado: **{vibe}**. Ya hay {n} canciones en cola; añadiré más antes de que se acaben.",
    },
    "dj.started_empty": {
        "en": "DJ mode is on: **{vibe}**, but I found no songs for it yet. Play something and I'll keep it going "
        "in that direction, or try another vibe (an artist or a genre works best).",
        "es": "Modo DJ activado: **{vibe}**, pero aún no encontré canciones para eso. Pon algo y seguiré en esa "
        "línea, o prueba otro estilo (un artista o un género funcionan mejor).",
    },
    "dj.stopped": {"en": "DJ mode is off.", "es": "Modo DJ desactivado."},
    "dj.not_running": {"en": "DJ mode is not on here.", "es": "El modo DJ no está activado aquí."},
    "dj.ended_idle": {
        "en": "DJ mode stopped because nothing has played for a while.",
        "es": "El modo DJ se ha detenido porque hace rato que no suena nada.",
    },
    "dj.ended_controller": {
        "en": "DJ mode stopped because the Spotify account this server played on is no longer linked.",
        "es": "El modo DJ se ha detenido porque la cuenta de Spotify de este servidor ya no está vinculada.",
    },
    "dj.panel": {"en": "DJ mode: {vibe}", "es": "Modo DJ: {vibe}"},
    "ui.cmd.dj": {
        "en": "DJ mode: keep the queue going with a vibe",
        "es": "Modo DJ: mantén la cola con un estilo",
    },
    "ui.cmd.dj.start": {"en": "Start DJ mode with a vibe", "es": "Activa el modo DJ con un estilo"},
    "ui.cmd.dj.stop": {"en": "Stop DJ mode", "es": "Desactiva el modo DJ"},
    "ui.opt.vibe": {"en": "vibe", "es": "estilo"},
    "ui.optdesc.vibe": {
        "en": "What it should sound like, e.g. chill for the evening",
        "es": "Cómo debe sonar, p. ej. algo tranquilo para la noche",
    },
}
