"""Consent before a server plays on someone's Spotify account (issue 12): what the admin and the owner read."""

MESSAGES: dict[str, dict[str, str]] = {
    "consent.not_linked": {
        "en": "That member has no working Spotify link, so their account cannot play here. They can run `/spotify link`.",
        "es": "Ese miembro no tiene una vinculación de Spotify que funcione, así que su cuenta no puede sonar aquí. Puede usar `/spotify link`.",
    },
    "consent.own_link_missing": {
        "en": "Your Spotify link is gone or has expired, so nothing changed. Run `/spotify link` first.",
        "es": "Tu vinculación de Spotify ya no existe o caducó, así que no cambió nada. Usa `/spotify link` primero.",
    },
    "consent.not_a_person": {
        "en": "Only a member's own Spotify account can play here, not a bot's.",
        "es": "Aquí solo puede sonar la cuenta de Spotify de un miembro, no la de un bot.",
    },
    "consent.asked": {
        "en": "I asked {user} by DM. Their account plays here only once they press Allow (within 10 minutes).",
        "es": "Se lo he preguntado a {user} por mensaje directo. Su cuenta solo sonará aquí cuando pulse Permitir (en 10 minutos).",
    },
    "consent.dm_closed": {
        "en": (
            "I could not send {user} a DM, so I cannot ask for their consent and nothing changed. They can run "
            "`/spotify link` in this server while it has no controller (`/settings controller` without a member clears it)."
        ),
        "es": (
            "No pude enviar un mensaje directo a {user}, así que no puedo pedirle permiso y no cambió nada. Puede usar "
            "`/spotify link` en este servidor mientras no tenga cuenta fijada (`/settings controller` sin miembro la quita)."
        ),
    },
    "consent.already": {
        "en": "This server already plays on {user}'s Spotify account.",
        "es": "Este servidor ya suena con la cuenta de Spotify de {user}.",
    },
    "consent.request": {
        "en": (
            "{admin}, an admin of **{guild}**, wants that server to play music on your Spotify account **{name}**. "
            "Everyone who can control playback there could then play, skip, queue, like songs and create playlists "
            "on your account, and see what you are listening to. Only you can answer; this expires in 10 minutes."
        ),
        "es": (
            "{admin}, admin de **{guild}**, quiere que ese servidor ponga música con tu cuenta de Spotify **{name}**. "
            "Quien pueda controlar la música allí podría reproducir, saltar, añadir a la cola, marcar canciones y "
            "crear listas en tu cuenta, y ver lo que escuchas. Solo tú puedes responder; caduca en 10 minutos."
        ),
    },
    "consent.allowed": {
        "en": "**{guild}** now plays music on your Spotify account. Press Stop sharing, or run `/spotify unlink`, to stop at any time.",
        "es": "**{guild}** ya pone música con tu cuenta de Spotify. Pulsa Dejar de compartir, o usa `/spotify unlink`, para pararlo cuando quieras.",
    },
    "consent.declined": {
        "en": "Declined: **{guild}** will not use your Spotify account.",
        "es": "Rechazado: **{guild}** no usará tu cuenta de Spotify.",
    },
    "consent.started": {
        "en": "**{guild}** now plays music on your Spotify account. Press Stop sharing, or run `/spotify unlink`, to stop at any time.",
        "es": "**{guild}** ya pone música con tu cuenta de Spotify. Pulsa Dejar de compartir, o usa `/spotify unlink`, para pararlo cuando quieras.",
    },
    "consent.expired": {
        "en": "This request has expired or was already answered. A server admin can run `/settings controller` again.",
        "es": "Esta petición ha caducado o ya se respondió. Un admin del servidor puede volver a usar `/settings controller`.",
    },
    "consent.not_yours": {
        "en": "Only the member whose account it is can answer this.",
        "es": "Solo puede responder el miembro dueño de la cuenta.",
    },
    "consent.stopped": {
        "en": "Done: **{guild}** no longer uses your Spotify account.",
        "es": "Hecho: **{guild}** ya no usa tu cuenta de Spotify.",
    },
    "consent.not_sharing": {
        "en": "**{guild}** is not using your Spotify account.",
        "es": "**{guild}** no está usando tu cuenta de Spotify.",
    },
    "consent.button.allow": {"en": "Allow", "es": "Permitir"},
    "consent.button.deny": {"en": "Decline", "es": "Rechazar"},
    "consent.button.stop": {"en": "Stop sharing", "es": "Dejar de compartir"},
    "consent.a_server": {"en": "a server", "es": "un servidor"},
}
