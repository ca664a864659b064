"""The local cache: database, tables, migrations and the store API over them."""
