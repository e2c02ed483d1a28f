// The app's engine start when the data folder is held by another process (`studio serve`, `studio analyze --db`,
// `studio model …`; a second app window never gets here: requestSingleInstanceLock hands its command line to
// the first). Electron's dialog is passed in (index.ts), so this is unit-tested with a fake.
import { toErrorData } from '@contract';

export interface DataFolderPrompt {
  /** Show the message (the holder: pid, command, since when; what to do) and resolve with the choice. */
  ask(message: string): Promise<'retry' | 'quit'>;
  quit(): void;
  log(message: string): void;
}

/** The message box options for `dialog.showMessageBox`: Try Again (0, default) or Quit (1, also Esc). */
export function inUseMessageBox(appName: string, message: string) {
  return {
    type: 'warning' as const,
    title: appName,
    message: `${appName}'s data folder is in use by another process`,
    detail: message,
    buttons: ['Try Again', 'Quit'],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  };
}

/**
 * Start the engine (EngineHost.start, which takes the data folder's lock first). While the folder is in use
 * (DATA_FOLDER_IN_USE) the user is asked: Try Again starts again, Quit quits the app.
 * @returns true once the engine is ready; false when the user quit, or the start failed for another reason
 *   (logged; the window shows the engine's 'stopped' state and its message).
 */
export async function startEngineAsking(engine: { start(): Promise<void> }, prompt: DataFolderPrompt): Promise<boolean> {
  for (;;) {
    try {
      await engine.start();
      return true;
    } catch (err) {
      const e = toErrorData(err);
      if (e.code !== 'DATA_FOLDER_IN_USE') {
        prompt.log(e.message);
        return false;
      }
      if ((await prompt.ask(e.message)) === 'quit') {
        prompt.quit();
        return false;
      }
    }
  }
}
