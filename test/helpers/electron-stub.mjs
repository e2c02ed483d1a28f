// `electron` for tests: the objects a test put on globalThis.__studioFakeElectron.
const fake = globalThis.__studioFakeElectron;
if (!fake) throw new Error('electron-stub: set globalThis.__studioFakeElectron before importing the main bundle');
export const { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell, utilityProcess, contextBridge, ipcRenderer, webUtils } = fake;
export default fake;
