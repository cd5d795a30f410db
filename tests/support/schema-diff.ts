import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type pg from "pg";

/**
 * Compares prisma/schema.prisma (through Prisma's own DMMF, computed by its wasm schema engine)
 * with a live database: tables, columns (type, precision, nullability), enums and their labels,
 * primary keys, unique and plain indexes (columns in order), foreign keys with their ON DELETE.
 * Returns every difference as a sentence; an empty list means they agree.
 */

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[]; indexes: DmmfIndex[] };
}

export function loadDmmf(schemaPath: string): Dmmf {
  const wasm = createRequire(import.meta.url)("@prisma/prisma-schema-wasm") as { get_dmmf: (params: string) => string };
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [[schemaPath, readFileSync(schemaPath, "utf8")]] })));
}

/** The Postgres type Prisma creates for a scalar field, as format_type() prints it. */
function expectedType(field: DmmfField, enums: Set<string>): string {
  const [native, args = []] = field.nativeType ?? [];
  if (field.kind === "enum" || enums.has(field.type)) return `"${field.type}"`;
  switch (field.type) {
    case "String":
      if (native === "Uuid") return "uuid";
      if (native === "Char") return `character(${args[0] ?? 1})`;
      if (native === "VarChar") return args[0] ? `character varying(${args[0]})` : "character varying";
      return "text";
    case "Int":
      return "integer";
    case "BigInt":
      return "bigint";
    case "Boolean":
      return "boolean";
    case "Float":
      return "double precision";
    case "Decimal":
      return native === "Decimal" ? `numeric(${args[0]},${args[1]})` : "numeric(65,30)";
    case "DateTime":
      if (native === "Date") return "date";
      if (native === "Timestamptz") return `timestamp(${args[0] ?? 3}) with time zone`;
      return `timestamp(${args[0] ?? 3}) without time zone`;
    case "Json":
      return "jsonb";
    case "Bytes":
      return "bytea";
    default:
      return `unknown:${field.type}`;
  }
}

const ON_DELETE: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };

export async function diffSchemaAgainstDatabase(client: pg.ClientBase, schemaPath: string): Promise<string[]> {
  const dmmf = loadDmmf(schemaPath);
  const problems: string[] = [];
  const enumNames = new Set(dmmf.datamodel.enums.map((e) => e.name));
  const tableOf = (model: string) => {
    const m = dmmf.datamodel.models.find((x) => x.name === model)!;
    return m.dbName ?? m.name;
  };
  const columnOf = (model: string, field: string) => {
    const f = dmmf.datamodel.models.find((x) => x.name === model)!.fields.find((x) => x.name === field)!;
    return f.dbName ?? f.name;
  };

  const columns = await client.query<{ table_name: string; column_name: string; type: string; not_null: boolean }>(`
    SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`);
  const dbTables = new Map<string, Map<string, { type: string; notNull: boolean }>>();
  for (const r of columns.rows) {
    if (!dbTables.has(r.table_name)) dbTables.set(r.table_name, new Map());
    dbTables.get(r.table_name)!.set(r.column_name, { type: r.type, notNull: r.not_null });
  }

  const modelTables = new Set<string>();
  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    modelTables.add(table);
    const dbColumns = dbTables.get(table);
    if (!dbColumns) {
      problems.push(`table "${table}" (model ${model.name}) is missing in the database`);
      continue;
    }
    const expectedColumns = new Set<string>();
    for (const field of model.fields.filter((f) => f.kind !== "object")) {
      const column = field.dbName ?? field.name;
      expectedColumns.add(column);
      const db = dbColumns.get(column);
      if (!db) {
        problems.push(`column "${table}"."${column}" is missing in the database`);
        continue;
      }
      let type = expectedType(field, enumNames);
      if (field.isList) type = `${type}[]`;
      const dbType = db.type.replace(/^"?([A-Za-z]+)"?$/, (_m, name: string) => (enumNames.has(name) ? `"${name}"` : name));
      if (dbType !== type) problems.push(`column "${table}"."${column}" is ${db.type} in the database but ${type} in schema.prisma`);
      // Prisma creates scalar lists without NOT NULL even though the field is required.
      if (!field.isList && db.notNull !== field.isRequired) {
        problems.push(`column "${table}"."${column}" is ${db.notNull ? "NOT NULL" : "nullable"} in the database but ${field.isRequired ? "required" : "optional"} in schema.prisma`);
      }
    }
    for (const column of dbColumns.keys()) {
      if (!expectedColumns.has(column)) problems.push(`column "${table}"."${column}" exists in the database but not in schema.prisma`);
    }
  }
  for (const table of dbTables.keys()) {
    if (!modelTables.has(table) && table !== "_prisma_migrations") problems.push(`table "${table}" exists in the database but not in schema.prisma`);
  }

  // Enums and their labels, in order.
  const enums = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema() GROUP BY t.typname`);
  const dbEnums = new Map(enums.rows.map((r) => [r.name, r.labels]));
  for (const e of dmmf.datamodel.enums) {
    const name = e.dbName ?? e.name;
    const labels = e.values.map((v) => v.dbName ?? v.name);
    const db = dbEnums.get(name);
    if (!db) problems.push(`enum "${name}" is missing in the database`);
    else if (db.join(",") !== labels.join(",")) problems.push(`enum "${name}" has [${db.join(", ")}] in the database but [${labels.join(", ")}] in schema.prisma`);
    dbEnums.delete(name);
  }
  for (const name of dbEnums.keys()) problems.push(`enum "${name}" exists in the database but not in schema.prisma`);

  // Indexes: primary keys, unique and plain indexes with their columns in order.
  const indexes = await client.query<{ table_name: string; index_name: string; is_unique: boolean; is_primary: boolean; columns: string[] }>(`
    SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
           array_agg(a.attname::text ORDER BY k.ord) AS columns
    FROM pg_index ix
    JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'
    GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary`);
  const kindOf = (r: { is_unique: boolean; is_primary: boolean }) => (r.is_primary ? "primary key" : r.is_unique ? "unique index" : "index");
  const dbIndexes = new Set(indexes.rows.map((r) => `${kindOf(r)} on "${r.table_name}"(${r.columns.join(", ")})`));
  const expectedIndexes = new Set<string>();
  for (const index of dmmf.datamodel.indexes) {
    const kind = index.type === "id" ? "primary key" : index.type === "unique" ? "unique index" : "index";
    expectedIndexes.add(`${kind} on "${tableOf(index.model)}"(${index.fields.map((f) => columnOf(index.model, f.name)).join(", ")})`);
  }
  for (const i of expectedIndexes) if (!dbIndexes.has(i)) problems.push(`${i} is missing in the database`);
  for (const i of dbIndexes) if (!expectedIndexes.has(i)) problems.push(`${i} exists in the database but not in schema.prisma`);

  // Foreign keys and their ON DELETE action.
  const fks = await client.query<{ table_name: string; ref_table: string; columns: string[]; on_delete: string }>(`
    SELECT c.conrelid::regclass::text AS table_name, c.confrelid::regclass::text AS ref_table, c.confdeltype AS on_delete,
           array_agg(a.attname::text ORDER BY k.ord) AS columns
    FROM pg_constraint c
    CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
    WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
    GROUP BY c.conname, c.conrelid, c.confrelid, c.confdeltype`);
  const unquote = (s: string) => s.replace(/^"|"$/g, "");
  const dbFks = new Set(fks.rows.map((r) => `foreign key "${unquote(r.table_name)}"(${r.columns.join(", ")}) → "${unquote(r.ref_table)}" ON DELETE ${ON_DELETE[r.on_delete] ?? r.on_delete}`));
  const expectedFks = new Set<string>();
  for (const model of dmmf.datamodel.models) {
    for (const f of model.fields) {
      if (f.kind !== "object" || !f.relationFromFields?.length) continue;
      const cols = f.relationFromFields.map((name) => columnOf(model.name, name));
      const onDelete = f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull");
      expectedFks.add(`foreign key "${model.dbName ?? model.name}"(${cols.join(", ")}) → "${tableOf(f.type)}" ON DELETE ${onDelete}`);
    }
  }
  for (const k of expectedFks) if (!dbFks.has(k)) problems.push(`${k} is missing in the database`);
  for (const k of dbFks) if (!expectedFks.has(k)) problems.push(`${k} exists in the database but not in schema.prisma`);

  return problems;
}
