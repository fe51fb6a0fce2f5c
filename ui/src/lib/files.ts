// Files the user picks travel to the core as base64 in a JSON call (the same way in the desktop
// app and the browser); the host keeps the bytes in memory until they are used.

/** The bytes as base64, in chunks so a large file does not overflow the argument list. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
