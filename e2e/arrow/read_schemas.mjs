// Reads Arrow IPC stream files with Arrow's JavaScript implementation and
// prints, as JSON, each one's fields (name, type, nullability, metadata)
// and schema metadata. Types are written as arrow-go's DataType.String()
// writes them, so that the Go test compares the two readings as they are;
// a type this file does not know is written as "unknown:<id>", which no Go
// type string equals.
//
//   node read_schemas.mjs FILE...
import { readFileSync } from 'node:fs';
import { RecordBatchReader, Type, TimeUnit, DateUnit, Precision } from 'apache-arrow';

const units = { [TimeUnit.SECOND]: 's', [TimeUnit.MILLISECOND]: 'ms', [TimeUnit.MICROSECOND]: 'us', [TimeUnit.NANOSECOND]: 'ns' };

function typeString(t) {
  switch (t.typeId) {
    case Type.Null: return 'null';
    case Type.Bool: return 'bool';
    case Type.Int: return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`;
    case Type.Float: return { [Precision.HALF]: 'float16', [Precision.SINGLE]: 'float32', [Precision.DOUBLE]: 'float64' }[t.precision];
    case Type.Utf8: return 'utf8';
    case Type.LargeUtf8: return 'large_utf8';
    case Type.Binary: return 'binary';
    case Type.Date: return t.unit === DateUnit.DAY ? 'date32' : 'date64';
    case Type.Timestamp: return `timestamp[${units[t.unit]}${t.timezone ? `, tz=${t.timezone}` : ''}]`;
    case Type.Decimal: return t.bitWidth === 128 ? `decimal(${t.precision}, ${t.scale})` : `decimal${t.bitWidth}(${t.precision}, ${t.scale})`;
    case Type.List: {
      const c = t.children[0];
      return `list<${c.name}: ${typeString(c.type)}${c.nullable ? ', nullable' : ''}>`;
    }
    case Type.Struct:
      return `struct<${t.children.map((c) => `${c.name}: ${typeString(c.type)}${c.nullable ? ', nullable' : ''}`).join(', ')}>`;
    default: return `unknown:${Type[t.typeId] ?? t.typeId}`;
  }
}

const sorted = (m) => Object.fromEntries([...(m ?? new Map())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const out = process.argv.slice(2).map((file) => {
  const reader = RecordBatchReader.from(readFileSync(file));
  reader.open();
  const schema = reader.schema;
  return {
    file,
    fields: schema.fields.map((f) => ({ name: f.name, type: typeString(f.type), nullable: f.nullable, metadata: sorted(f.metadata) })),
    metadata: sorted(schema.metadata),
  };
});
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
