"""SQL that makes FerretDB v1's indexes usable on PostgreSQL, installed once per cluster.

FerretDB v1 pushes an equality filter down to PostgreSQL as ``_jsonb->'f' @> '"v"'`` (also
``_id``), but creates every index as a btree on ``_jsonb->'f'``: a btree serves ``=``, never
``@>``, so each query scanned the whole table. A GIN index on the same expressions serves
``@>``. These event triggers give every expression btree FerretDB creates a GIN twin (named
after it, ``…_gin``) and drop the twin with it; a dropped collection drops both with its
table. Unknown to FerretDB (``listIndexes`` shows its own), harmless to it: PostgreSQL's
planner picks whichever index serves the query.
"""

from typing import Final

__all__ = ["FERRETDB_DATABASE", "GIN_TWINS_SQL", "GIN_TWINS_TRIGGER"]

FERRETDB_DATABASE: Final = "ferretdb"
GIN_TWINS_TRIGGER: Final = "mysessions_gin_twin"

GIN_TWINS_SQL: Final = """
CREATE OR REPLACE FUNCTION mysessions_gin_twin() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  cmd record;
  idx record;
  cols text;
BEGIN
  FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands()
             WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    SELECT i.indrelid::regclass AS tbl, c.relname AS name, am.amname AS am,
           i.indexprs IS NOT NULL AS has_exprs, i.indnkeyatts AS keys
      INTO idx
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
     WHERE i.indexrelid = cmd.objid;
    CONTINUE WHEN idx.am <> 'btree' OR NOT idx.has_exprs;
    SELECT string_agg(format('(%s) jsonb_path_ops', pg_get_indexdef(cmd.objid, k, true)), ', ')
      INTO cols FROM generate_series(1, idx.keys) AS k;
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s)',
                   left(idx.name, 59) || '_gin', idx.tbl, cols);
  END LOOP;
END $fn$;

CREATE OR REPLACE FUNCTION mysessions_gin_twin_drop() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  gone record;
BEGIN
  FOR gone IN SELECT * FROM pg_event_trigger_dropped_objects()
              WHERE object_type = 'index' AND object_name NOT LIKE '%\\_gin' LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', gone.schema_name,
                   left(gone.object_name, 59) || '_gin');
  END LOOP;
END $fn$;

DROP EVENT TRIGGER IF EXISTS mysessions_gin_twin;
CREATE EVENT TRIGGER mysessions_gin_twin ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION mysessions_gin_twin();
DROP EVENT TRIGGER IF EXISTS mysessions_gin_twin_drop;
CREATE EVENT TRIGGER mysessions_gin_twin_drop ON sql_drop WHEN TAG IN ('DROP INDEX')
  EXECUTE FUNCTION mysessions_gin_twin_drop();
"""
