// MongoDB connections, waited for at start-up.
export { connectMongo } from './connectMongo.ts';
export type { ConnectMongoOptions, MongoConnection } from './connectMongo.ts';
