// Saves text as a file in the browser or Electron: a Blob, an object URL and a
// temporary <a download> click; the URL is revoked once the download started.
export function downloadText(content: string, filename: string, mime: string): void {
  const blob = new Blob([content], { type: mime || 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
