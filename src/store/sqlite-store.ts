/** `sqlite:PATH`, footfall's default store; it lives in ./sqlite, one file per concern. */
export { openSqliteStore } from './sqlite/sqlite-store.js';
