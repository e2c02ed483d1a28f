// The sandboxed preload: it may only require 'electron' (tools/build.mjs
// bundles everything else into out/preload/preload.cjs, CommonJS).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createDesktopBridge } from './bridge';

contextBridge.exposeInMainWorld('studio', createDesktopBridge({ ipcRenderer, webUtils }));
