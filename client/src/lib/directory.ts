// Desk and station names, loaded once and shared (presence pushes carry only desk ids).
import { createSignal } from 'solid-js';
import type { Desk, Station } from '../../../server/protocol/api.ts';
import { api } from '../api/endpoints.ts';

const [desks, setDesks] = createSignal<Desk[] | null>(null);
const [stations, setStations] = createSignal<Station[] | null>(null);
let deskLoad: Promise<void> | null = null;

export { desks, stations };

export function refreshDesks(): Promise<void> {
  deskLoad ??= api
    .desks()
    .then((list) => {
      setDesks(list);
    })
    .catch(() => {
      // The presence panel falls back to "Desk #id"; the next refresh tries again.
    })
    .finally(() => {
      deskLoad = null;
    });
  return deskLoad;
}

export function setDeskList(list: Desk[]): void {
  setDesks(list);
}

export async function refreshStations(): Promise<void> {
  try {
    setStations(await api.stations());
  } catch {
    // shown by the pages that need them
  }
}

export function setStationList(list: Station[]): void {
  setStations(list);
}

export function clearDirectory(): void {
  setDesks(null);
  setStations(null);
}
