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
}
