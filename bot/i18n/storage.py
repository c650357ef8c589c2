"""Messages about the store, printed to whoever starts the bot (one sentence each)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "storage.data_dir_in_use": {
        "en": "Another bot process is already using the data directory {data_dir} (SQLite serves one process): stop it, or set DATABASE_URL to a PostgreSQL database to run several processes.",
        "es": "Otro proceso del bot ya usa el directorio de datos {data_dir} (SQLite sirve a un solo proceso): deténlo, o define DATABASE_URL con una base de datos PostgreSQL para ejecutar varios procesos.",
    },
    "storage.unreachable": {
        "en": "Cannot open the PostgreSQL database named by DATABASE_URL ({detail}).",
        "es": "No se puede abrir la base de datos PostgreSQL indicada en DATABASE_URL ({detail}).",
    },
    "storage.shards_need_postgres": {
        "en": "Running a shard range (--shards) needs DATABASE_URL=postgresql://… so every process shares one store.",
        "es": "Ejecutar un rango de shards (--shards) necesita DATABASE_URL=postgresql://… para que todos los procesos compartan el almacén.",
    },
}
