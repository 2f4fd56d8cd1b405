/**
 * The preload: builds `window.ana` (the contract API object) over IPC. Nothing else. It runs
 * sandboxed with context isolation, so only these two functions cross into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AnaApi } from '../contract/api';

const api: AnaApi = {
  invoke: (channel, request) => ipcRenderer.invoke('ana:invoke', channel, request),
  on: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, message: { event: string; payload: unknown }) => {
      if (message.event === event) listener(message.payload as never);
    };
    ipcRenderer.on('ana:event', wrapped);
    return () => ipcRenderer.removeListener('ana:event', wrapped);
  },
};

contextBridge.exposeInMainWorld('ana', api);
