/**
 * An export saved as a file: the API answers 303 to a presigned URL of the file (docs/decisions/0016),
 * which fetch follows; the file comes back as a blob and is saved under the name its
 * Content-Disposition gives. The bearer token is sent as for every request (a link cannot carry it).
 */
import { ApiError, errorKind } from '../../api';
import { currentToken } from '../../auth';
import { fileNameOf } from './exports';

/** Fetches an export and saves it; a refusal is thrown as the client's ApiError. */
export async function downloadExport(
  baseUrl: string,
  path: string,
  fallbackName: string,
  language: string,
): Promise<string> {
  const headers: Record<string, string> = { 'accept-language': language };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${path}`, { headers, cache: 'no-store' });
  } catch (err) {
    throw new ApiError('offline', 0, 'offline', (err as Error).message);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string; details?: [] } }
      | undefined;
    const code = body?.error?.code ?? `http_${res.status}`;
    throw new ApiError(
      errorKind(res.status, code),
      res.status,
      code,
      body?.error?.message ?? res.statusText,
      body?.error?.details ?? [],
    );
  }
  const name = fileNameOf(res.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
