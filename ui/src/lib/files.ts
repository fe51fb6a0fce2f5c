// Files the user picks travel to the core as base64 in a JSON call (the same way in the desktop
// app and the browser); the host keeps the bytes in memory until they are used.

/** The bytes as base64, in chunks so a large file does not overflow the argument list. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of a file the core sent for download (base64 in JSON). */
export function fromBase64(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** A link to the bytes, for a preview frame or a download; revoke it when done. */
export function blobUrl(file: { base64: string; media_type: string }): string {
  return URL.createObjectURL(new Blob([fromBase64(file.base64) as BlobPart], { type: file.media_type }));
}

/** Offers a file the core sent as a download under its own name. */
export function saveDownload(file: { file_name: string; base64: string; media_type: string }): void {
  const link = document.createElement('a');
  link.href = blobUrl(file);
  link.download = file.file_name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
