// Wires configuration, database, migrations and the listener; everything else lives in the feature plugins.
// First import: production mode must be set before Elysia is evaluated (see productionMode.ts).
import './productionMode.ts';
import { createApp } from './app.ts';
import { migrations } from './assets.ts';
import { loadConfig } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { Events } from './events.ts';
import { VERSION } from './version.ts';

const config = loadConfig();
const db = openDatabase(config.dataDir);
const applied = migrate(db, migrations());
if (applied.length) console.log(`applied migrations: ${applied.join(', ')}`);

const { app, setupToken } = createApp({ db, config, events: new Events(), version: VERSION });
app.listen({ hostname: config.host, port: config.port });

const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${app.server!.port}`;
console.log(`Tessera ${VERSION}: data in ${config.dataDir}`);
if (setupToken) {
  console.log(`No admin yet. Open ${url}/setup and enter this one-time setup token:`);
  console.log(`setup token: ${setupToken}`);
}
console.log(`listening on ${url}`);

function shutdown() {
  app.stop(true).finally(() => {
    db.close();
    process.exit(0);
  });
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
