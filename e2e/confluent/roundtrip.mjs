// Serializes a ticks_v1 record with Confluent's JavaScript client, using the
// subject's latest version, and deserializes it by the schema id in the wire
// format. Usage: node roundtrip.mjs <schema registry URL> <subject>.
// Prints {"id": <wire format id>, "record": <the record read back>}.
import {
  SchemaRegistryClient,
  SerdeType,
  JsonSerializer,
  JsonDeserializer,
} from '@confluentinc/schemaregistry';

const [url, subject] = process.argv.slice(2);
const client = new SchemaRegistryClient({ baseURLs: [url] });
// schemareg names subjects after schema ids; the topic is named so too.
const bySchemaID = (topic) => topic;

const ser = new JsonSerializer(client, SerdeType.VALUE, {
  useLatestVersion: true,
  autoRegisterSchemas: false,
  // validate: true compiles the schema with Ajv in strict mode, which refuses
  // schemareg's extension keywords ("arrow", ...): see docs/confluent.md.
  subjectNameStrategy: bySchemaID,
});
const record = {
  ts: '2024-01-02T03:04:05.000006Z', symbol: 'ACME', price: 12.5, size: 100, side: 'S', exchange: 'XNAS',
};
const payload = await ser.serialize(subject, record);
if (payload[0] !== 0) {
  throw new Error(`magic byte ${payload[0]}, want 0`);
}
const id = payload.readUInt32BE(1);

const deser = new JsonDeserializer(client, SerdeType.VALUE, { subjectNameStrategy: bySchemaID });
const back = await deser.deserialize(subject, payload);
console.log(JSON.stringify({ id, record: back }));
