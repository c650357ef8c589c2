"""Strings for linking a Spotify account, per-guild Spotify apps and the OAuth callback page."""

MESSAGES: dict[str, dict[str, str]] = {
    "account.link_prompt": {
        "en": (
            "Open this link to connect your Spotify account (it works once, for 10 minutes):\n{url}\n"
            "If the page after approving does not load, copy the whole address from the browser's "
            "address bar and paste it back to me."
        ),
        "es": (
            "Abre este enlace para conectar tu cuenta de Spotify (sirve una vez, durante 10 minutos):\n{url}\n"
            "Si la página que aparece después de aceptar no carga, copia la dirección completa de la barra "
            "del navegador y pégamela aquí."
        ),
    },
    "account.linked": {
        "en": "Your Spotify account **{name}** is now linked.",
        "es": "Tu cuenta de Spotify **{name}** ya está vinculada.",
    },
    "account.linked_controller": {
        "en": "Your Spotify account **{name}** is now linked and controls playback in this server.",
        "es": "Tu cuenta de Spotify **{name}** ya está vinculada y controla la música en este servidor.",
    },
    "account.state_invalid": {
        "en": "This link is not valid or was already used. Run `/spotify link` again.",
        "es": "Este enlace no es válido o ya se usó. Vuelve a usar `/spotify link`.",
    },
    "account.state_expired": {
        "en": "This link has expired (links work for 10 minutes). Run `/spotify link` again.",
        "es": "Este enlace ha caducado (los enlaces sirven 10 minutos). Vuelve a usar `/spotify link`.",
    },
    "account.denied": {
        "en": "You declined the Spotify authorisation, so nothing was linked. Run `/spotify link` to try again.",
        "es": "Rechazaste la autorización de Spotify, así que no se vinculó nada. Usa `/spotify link` para volver a intentarlo.",
    },
    "account.link_failed": {
        "en": "Spotify could not finish the link. Run `/spotify link` again in a moment.",
        "es": "Spotify no pudo completar la vinculación. Vuelve a usar `/spotify link` en un momento.",
    },
    "account.wrong_user": {
        "en": "That link was started by someone else. Run `/spotify link` to get your own.",
        "es": "Ese enlace lo inició otra persona. Usa `/spotify link` para obtener el tuyo.",
    },
    "account.paste_invalid": {
        "en": (
            "That is not the address Spotify sent you to. Copy the whole address from the browser's address "
            "bar (it starts with {redirect_uri}) and paste it here."
        ),
        "es": (
            "Esa no es la dirección a la que te envió Spotify. Copia la dirección completa de la barra del "
            "navegador (empieza por {redirect_uri}) y pégala aquí."
        ),
    },
    "account.not_configured": {
        "en": "Spotify linking is not set up on this bot yet: its owner must set SPOTIFY_CLIENT_ID.",
        "es": "La vinculación con Spotify aún no está configurada en este bot: su dueño debe definir SPOTIFY_CLIENT_ID.",
    },
    "account.client_id_invalid": {
        "en": "That is not a Spotify client ID. Copy the 32-character Client ID from your app's Spotify dashboard.",
        "es": "Eso no es un Client ID de Spotify. Copia el Client ID de 32 caracteres del panel de tu app de Spotify.",
    },
    "account.guild_app_set": {
        "en": (
            "This server now links accounts through your own Spotify app. In the app's dashboard, add this "
            "exact Redirect URI: {redirect_uri}\nMembers need to run `/spotify link` again to use it."
        ),
        "es": (
            "Este servidor ahora vincula cuentas con tu propia app de Spotify. En el panel de la app, añade "
            "exactamente esta Redirect URI: {redirect_uri}\nLos miembros deben volver a usar `/spotify link` "
            "para usarla."
        ),
    },
    "account.guild_app_cleared": {
        "en": "This server links accounts through the bot's own Spotify app again.",
        "es": "Este servidor vuelve a vincular cuentas con la app de Spotify del bot.",
    },
    "account.unlinked": {
        "en": "Your Spotify account was unlinked and its tokens were deleted.",
        "es": "Tu cuenta de Spotify se desvinculó y sus tokens se borraron.",
    },
    "account.unlink_nothing": {
        "en": "You have no linked Spotify account.",
        "es": "No tienes ninguna cuenta de Spotify vinculada.",
    },
    "account.status_linked": {
        "en": "You are linked to Spotify as **{name}**.",
        "es": "Estás vinculado a Spotify como **{name}**.",
    },
    "account.status_needs_relink": {
        "en": "Your Spotify link as **{name}** has expired. Run `/spotify link` again.",
        "es": "Tu vinculación con Spotify como **{name}** ha caducado. Vuelve a usar `/spotify link`.",
    },
    "account.page_title_ok": {
        "en": "Spotify account linked",
        "es": "Cuenta de Spotify vinculada",
    },
    "account.page_title_failed": {
        "en": "Spotify account not linked",
        "es": "Cuenta de Spotify no vinculada",
    },
    "account.page_close": {
        "en": "You can close this tab and go back to Discord.",
        "es": "Puedes cerrar esta pestaña y volver a Discord.",
    },
    # The same pages and messages when the link was started from the terminal (`chat --spotify`).
    "account.page_close.terminal": {
        "en": "You can close this tab and go back to the terminal.",
        "es": "Puedes cerrar esta pestaña y volver a la terminal.",
    },
    "account.linked.terminal": {
        "en": "Linked as {name}. Your commands now act on this Spotify account.",
        "es": "Vinculado como {name}. Tus comandos actúan ahora sobre esta cuenta de Spotify.",
    },
    "account.state_invalid.terminal": {
        "en": (
            'This link was already used or is not valid. If the terminal said "Linked as …", you are done; '
            "otherwise run .venv/bin/python -m bot chat --spotify again."
        ),
        "es": (
            'Este enlace ya se usó o no es válido. Si la terminal dijo "Vinculado como …", ya está; si no, '
            "vuelve a ejecutar .venv/bin/python -m bot chat --spotify."
        ),
    },
    "account.state_expired.terminal": {
        "en": "This link has expired (links work for 10 minutes). Run .venv/bin/python -m bot chat --spotify again.",
        "es": "Este enlace ha caducado (sirven 10 minutos). Vuelve a ejecutar .venv/bin/python -m bot chat --spotify.",
    },
    "account.denied.terminal": {
        "en": (
            "You declined the Spotify authorisation, so nothing was linked. "
            "Run .venv/bin/python -m bot chat --spotify to try again."
        ),
        "es": (
            "Rechazaste la autorización de Spotify, así que no se vinculó nada. "
            "Ejecuta .venv/bin/python -m bot chat --spotify para volver a intentarlo."
        ),
    },
    "account.link_failed.terminal": {
        "en": "Spotify could not finish the link. Run .venv/bin/python -m bot chat --spotify again in a moment.",
        "es": "Spotify no pudo completar la vinculación. Vuelve a ejecutar .venv/bin/python -m bot chat --spotify en un momento.",
    },
    "account.wrong_user.terminal": {
        "en": "That link was started somewhere else. Use the address this terminal printed.",
        "es": "Ese enlace se inició en otro sitio. Usa la dirección que imprimió esta terminal.",
    },
}
