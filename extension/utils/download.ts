/**
 * Offers `content` as a file the browser downloads, from an extension page (the background cannot
 * save files, and a blob link needs no `downloads` permission). The link is attached while it is
 * clicked (Firefox ignores a click on a detached link) and the blob URL revoked a minute later: the
 * download reads it after click() returns.
 */
export function downloadFile(fileName: string, content: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
