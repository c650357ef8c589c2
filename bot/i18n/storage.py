"""Start-up problems with the database, for whoever runs the bot (one sentence each, with what to do)."""

MESSAGES: dict[str, dict[str, str]] = {
    "storage.emptied": {
        "en": (
            "The database {database} is empty but its token key file {key_file} exists, so every linked "
            "account would be lost: restore the database from a backup, or delete {key_file} as well to "
            "start over on purpose."
        ),
        "es": (
            "La base de datos {database} está vacía pero su archivo de clave {key_file} existe, así que se "
            "perderían todas las cuentas vinculadas: restaura la base de datos desde una copia de seguridad, "
            "o borra también {key_file} para empezar de cero a propósito."
        ),
    },
    "storage.missing": {
        "en": (
            "The database {database} is missing but its token key file {key_file} exists, so every linked "
            "account would be lost: put the database back (check DATA_DIR), or delete {key_file} as well to "
            "start over on purpose."
        ),
        "es": (
            "Falta la base de datos {database} pero su archivo de clave {key_file} existe, así que se "
            "perderían todas las cuentas vinculadas: vuelve a ponerla en su sitio (revisa DATA_DIR), o "
            "borra también {key_file} para empezar de cero a propósito."
        ),
    },
    "storage.damaged": {
        "en": (
            "The database {database} is damaged ({detail}): stop the bot and restore it from a backup, or "
            "try `sqlite3 {database} .recover` into a new file."
        ),
        "es": (
            "La base de datos {database} está dañada ({detail}): detén el bot y restáurala desde una copia "
            "de seguridad, o prueba `sqlite3 {database} .recover` hacia un archivo nuevo."
        ),
    },
    "storage.unreadable": {
        "en": (
            "The database {database} cannot be opened ({detail}): check that the file is a SQLite "
            "database and that the bot may read and write it and its folder."
        ),
        "es": (
            "No se puede abrir la base de datos {database} ({detail}): comprueba que el archivo es una base "
            "de datos SQLite y que el bot puede leerlo y escribirlo, a él y a su carpeta."
        ),
    },
    "storage.data_dir_in_use": {
        "en": (
            "Another bot process is already using the data directory {data_dir} (SQLite serves one "
            "process): stop it, or set DATABASE_URL to a PostgreSQL database to run several processes."
        ),
        "es": (
            "Otro proceso del bot ya usa el directorio de datos {data_dir} (SQLite sirve a un solo proceso): "
            "deténlo, o define DATABASE_URL con una base de datos PostgreSQL para ejecutar varios procesos."
        ),
    },
    "storage.unreachable": {
        "en": "Cannot open the PostgreSQL database named by DATABASE_URL ({detail}): check that it runs and the URL.",
        "es": "No se puede abrir la base de datos PostgreSQL indicada en DATABASE_URL ({detail}): comprueba que está en marcha y la URL.",
    },
    "cli.shard_count_needed": {
        "en": "--shards needs --shard-count (or SHARD_COUNT) larger than every shard id, e.g. --shards 0-3 --shard-count 8.",
        "es": "--shards necesita --shard-count (o SHARD_COUNT) mayor que cada id de shard, p. ej. --shards 0-3 --shard-count 8.",
    },
    "web.cannot_listen": {
        "en": "The web process cannot listen on {host}:{port} ({detail}): stop whatever uses that port, or set WEB_HOST/WEB_PORT.",
        "es": "El proceso web no puede escuchar en {host}:{port} ({detail}): detén lo que usa ese puerto, o define WEB_HOST/WEB_PORT.",
    },
}
