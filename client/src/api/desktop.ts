// The live desktop's and the recordings' HTTP side: a session's recording index and its record stream.
// (The live desktop itself is the WebSocket /ws/desktop/:sessionId, see client/src/desktop/desktopConnection.ts.)
import type { RecordingIndex, RecordingRecord } from '../../../server/protocol/recording.ts';
import { readRecords } from '../desktop/recordStream.ts';
import { ApiError, readError, request } from './http.ts';

export function recordingStreamUrl(sessionId: number, fromMs: number): string {
  return `/api/support/sessions/${sessionId}/recording/stream?from=${Math.max(0, Math.floor(fromMs))}`;
}

export const desktopApi = {
  /** The recording's index; 404 (ApiError) when the session has no recording. */
  recording: (sessionId: number) => request<RecordingIndex>('GET', `/api/support/sessions/${sessionId}/recording`),

  /** The records from the last seek point at or before `fromMs`, read as they download. */
  async *recordingStream(sessionId: number, fromMs: number, signal: AbortSignal): AsyncGenerator<RecordingRecord> {
    let response: Response;
    try {
      response = await fetch(recordingStreamUrl(sessionId, fromMs), { credentials: 'same-origin', signal, headers: { accept: 'application/octet-stream' } });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'Cannot reach the Tessera server to play the recording.');
    }
    if (!response.ok) throw new ApiError(response.status, await readError(response));
    if (!response.body) return;
    yield* readRecords(response.body);
  },
};
