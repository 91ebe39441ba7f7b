// Where the user's settings come from over LSP: pulled with `workspace/configuration` when the
// client can answer it (and, when it allows, registered for change notifications), else the
// values the client pushes (initializationOptions, then didChangeConfiguration). Holds the
// current settings as a promise, so a reader always waits for the latest pull.
import {
  DidChangeConfigurationNotification,
  type Connection,
  type DidChangeConfigurationParams,
  type InitializeParams,
} from 'vscode-languageserver';
import { describeError, type Logger } from './analysis';
import { defaultSettings, parseSettings, SETTINGS_SECTION, type Settings } from './settings';

export interface SettingsSource {
  /** The settings as last pulled or pushed (defaults until then). */
  readonly current: () => Promise<Settings>;
  /** At initialize: what the client can do; pushed initializationOptions are taken at once. */
  initialize(params: InitializeParams): void;
  /** At initialized: pulls the settings and registers for change notifications. */
  initialized(): void;
  /** On didChangeConfiguration: pulls again, or takes the pushed section. */
  changed(params: DidChangeConfigurationParams): void;
}

export function createSettingsSource(
  connection: Pick<Connection, 'workspace' | 'client'>,
  logger: Logger,
): SettingsSource {
  let pullSettings = false;
  let registerForSettings = false;
  let settings: Promise<Settings> = Promise.resolve(defaultSettings());
  const refresh = (pushed?: unknown): void => {
    settings = pullSettings
      ? connection.workspace.getConfiguration(SETTINGS_SECTION).then(parseSettings, (error: unknown) => {
          logger.error(`reading settings failed: ${describeError(error)}`);
          return defaultSettings();
        })
      : Promise.resolve(parseSettings(pushed));
  };
  return {
    current: () => settings,
    initialize(params) {
      pullSettings = params.capabilities.workspace?.configuration === true;
      registerForSettings =
        pullSettings && params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
      // The client answers `workspace/configuration` only once initialized: pull settings then.
      if (!pullSettings) refresh(params.initializationOptions);
    },
    initialized() {
      if (pullSettings) refresh();
      if (registerForSettings) {
        void connection.client
          .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
          .catch(() => undefined);
      }
    },
    changed(params) {
      const pushed: unknown = params.settings;
      const section =
        typeof pushed === 'object' && pushed !== null
          ? (pushed as Record<string, unknown>)[SETTINGS_SECTION]
          : undefined;
      refresh(section);
    },
  };
}
