/**
 * A comparable description of a database schema from the catalogs (pg_dump is not available
 * for the embedded PostgreSQL 18): tables, columns, enums, indexes, constraints and triggers.
 */
import { Client } from 'pg';

/** One line per schema object, sorted, so two schemas compare with toEqual. */
export async function readSchemaSnapshot(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const lines: string[] = [];
    const columns = await client.query(`
      SELECT table_name, column_name, data_type, udt_name, character_maximum_length, numeric_precision, numeric_scale,
             datetime_precision, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
    for (const c of columns.rows) {
      lines.push(
        `column ${c.table_name}.${c.column_name} ${c.udt_name}(${c.character_maximum_length ?? ''},${c.numeric_precision ?? ''},${c.numeric_scale ?? ''},${c.datetime_precision ?? ''}) nullable=${c.is_nullable} default=${c.column_default ?? ''}`,
      );
    }
    const enums = await client.query(`
      SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`);
    for (const e of enums.rows) lines.push(`enum ${e.typname} ${e.labels}`);
    const indexes = await client.query(`
      SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
    for (const i of indexes.rows) lines.push(`index ${i.tablename}.${i.indexname} ${i.indexdef}`);
    const constraints = await client.query(`
      SELECT rel.relname AS table_name, con.conname, con.contype, pg_get_constraintdef(con.oid) AS def
      FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
      WHERE n.nspname = 'public' AND rel.relname <> '_prisma_migrations'`);
    for (const c of constraints.rows) lines.push(`constraint ${c.table_name}.${c.conname} ${c.contype} ${c.def}`);
    const triggers = await client.query(`
      SELECT rel.relname AS table_name, t.tgname, pg_get_triggerdef(t.oid) AS def
      FROM pg_trigger t JOIN pg_class rel ON rel.oid = t.tgrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
      WHERE n.nspname = 'public' AND NOT t.tgisinternal`);
    for (const t of triggers.rows) lines.push(`trigger ${t.table_name}.${t.tgname} ${t.def}`);
    const extensions = await client.query(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'`);
    for (const x of extensions.rows) lines.push(`extension ${x.extname}`);
    return lines.sort();
  } finally {
    await client.end();
  }
}
