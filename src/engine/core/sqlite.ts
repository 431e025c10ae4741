// Opens SQLite databases (better-sqlite3) for the journal, the simulator's
// account and the bar cache. Inside Electron the addon must be built for
// Electron's ABI: the desktop host points `useSqliteNativeBinding` at that build
// (src/main/native-modules.ts says which file: `npm start` fetches it, packaging
// ships it as a resource), while Node (CLI, tests) keeps the default Node build.
import Database from 'better-sqlite3';

let nativeBinding: string | undefined;

export function useSqliteNativeBinding(path: string | undefined): void {
  nativeBinding = path;
}

export function openDatabase(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}
