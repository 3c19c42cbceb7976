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
  // The serializer validates each record with Ajv, given this configuration:
  // strict: false lets Ajv pass over schemareg's own fields ("arrow", ...).
  validate: true,
  strict: false,
  subjectNameStrategy: bySchemaID,
});
const record = {
  ts: '2024-01-02T03:04:05.000006Z', symbol: 'ACME', price: 12.5, size: 100, side: 'S', exchange: 'XNAS',
};
const payload = await ser.serialize(subject, record);
// A record the schema refuses is refused by the serializer.
let refused = false;
try {
  await ser.serialize(subject, { ...record, price: 'twelve' });
} catch (e) {
  refused = true;
}
if (!refused) {
  throw new Error('a record with a string price was serialized');
}
if (payload[0] !== 0) {
  throw new Error(`magic byte ${payload[0]}, want 0`);
}
const id = payload.readUInt32BE(1);

const deser = new JsonDeserializer(client, SerdeType.VALUE, { subjectNameStrategy: bySchemaID });
const back = await deser.deserialize(subject, payload);
console.log(JSON.stringify({ id, record: back }));
