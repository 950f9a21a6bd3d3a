from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

from bot.log.models import Base

config = context.config
connectable = config.attributes.get("connection")


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connectable is not None:
    run(connectable)
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        run(connection)
