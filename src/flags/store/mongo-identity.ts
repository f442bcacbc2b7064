import { randomUUID } from 'node:crypto';
import mongoose, { type Connection, type Model } from 'mongoose';

type MetaDoc = { _id: string; value: string };
const metaSchema = new mongoose.Schema<MetaDoc>({ _id: String, value: String }, { versionKey: false });
const IDENTITY = 'store-identity';

// Insert-if-absent on the unique _id: of two processes racing on a new database, one inserts and the
// other gets E11000 and reads the winner's id.
export async function readOrCreateIdentity(connection: Connection): Promise<string> {
  const meta: Model<MetaDoc> =
    (connection.models.Meta as Model<MetaDoc> | undefined) ??
    connection.model<MetaDoc>('Meta', metaSchema, 'meta');
  const existing = await meta.findById(IDENTITY).lean<MetaDoc>();
  if (existing) return existing.value;
  try {
    await meta.create({ _id: IDENTITY, value: randomUUID() });
  } catch (err) {
    if (!(err instanceof mongoose.mongo.MongoServerError && err.code === 11000)) throw err;
  }
  const created = await meta.findById(IDENTITY).lean<MetaDoc>();
  if (!created) throw new Error('store identity vanished right after it was written');
  return created.value;
}
