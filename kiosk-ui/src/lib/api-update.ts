/**
 * The admin page "Updates": GET/PUT/POST /api/v1/admin/update… (docs/UPDATES.md). The bundle
 * upload goes through XMLHttpRequest, the one browser API that reports upload progress.
 */
import type { UpdateChannelInfo, UpdateInfo, UpdateJobView } from '../../../daemon/protocol.js';
import { ApiRequestError, request } from './request.js';

export const updateInfo = () => request<UpdateInfo>('/api/v1/admin/update');

export const putUpdateChannel = (url: string | null) =>
  request<{ channel: UpdateChannelInfo }>('/api/v1/admin/update/channel', {
    method: 'PUT',
    json: { url },
  });

export const checkUpdate = () =>
  request<{ channel: UpdateChannelInfo }>('/api/v1/admin/update/check', { method: 'POST' });

export const fetchUpdate = () =>
  request<{ job: UpdateJobView }>('/api/v1/admin/update/fetch', { method: 'POST' });

export const rebootForUpdate = () =>
  request<UpdateInfo>('/api/v1/admin/update/reboot', { method: 'POST' });

/**
 * A part per request: the daemon's HTTP server ends any request after 60 s, and a large
 * bundle over Wi-Fi takes longer than that; 16 MiB pass in time even on a slow network.
 */
export const UPLOAD_PART_BYTES = 16 * 1024 * 1024;

/** Sends the file in parts (Content-Range, in order); `onProgress(0..100)` while it travels. */
export async function uploadUpdate(
  file: Blob,
  onProgress: (percent: number) => void,
): Promise<{ job: UpdateJobView }> {
  for (let start = 0; ; start += UPLOAD_PART_BYTES) {
    const end = Math.min(file.size, start + UPLOAD_PART_BYTES);
    const range = `bytes ${start}-${end - 1}/${file.size}`;
    const answer = await sendPart(file.slice(start, end), range, (n) =>
      onProgress(Math.floor(((start + n) / file.size) * 100)),
    );
    if (end >= file.size) return answer;
  }
}

function sendPart(
  part: Blob,
  range: string,
  onBytes: (loaded: number) => void,
): Promise<{ job: UpdateJobView }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/admin/update/bundle');
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('content-range', range);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => onBytes(e.loaded);
    xhr.onerror = () => reject(new ApiRequestError(0, 'network', 'The daemon cannot be reached'));
    xhr.onload = () => {
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as { job: UpdateJobView });
      const e = (
        data as {
          error?: { code?: string; message?: string; params?: Record<string, unknown> };
        } | null
      )?.error;
      reject(
        new ApiRequestError(
          xhr.status,
          e?.code ?? `http_${xhr.status}`,
          // eslint-disable-next-line no-restricted-syntax -- kept for logs, never shown
          e?.message ?? xhr.statusText,
          undefined,
          e?.params,
        ),
      );
    };
    xhr.send(part);
  });
}
