// Drives Ferry with @gitbeaker/rest: import a file, wait, export, wait,
// download. Usage: node drive.mjs URL TOKEN ARCHIVE. Prints what it saw as
// one JSON object.
import { Gitlab } from '@gitbeaker/rest';
import { readFileSync } from 'node:fs';

const [host, token, archive] = process.argv.slice(2);
const api = new Gitlab({ host, token });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const seen = {};

seen.user = (await api.Users.showCurrentUser()).username;
const created = await api.ProjectImportExports.import(
  { content: new Blob([readFileSync(archive)]), filename: 'export.tar.gz' }, 'from-gitbeaker');
seen.import_create = created.import_status;
let status = created;
for (let i = 0; i < 600 && !['finished', 'failed'].includes(status.import_status); i++) {
  await sleep(50);
  status = await api.ProjectImportExports.showImportStatus(created.id);
}
seen.import_status = status.import_status;

await api.ProjectImportExports.scheduleExport(created.id, { url: undefined }, { description: 'from gitbeaker' });
let exp = await api.ProjectImportExports.showExportStatus(created.id);
for (let i = 0; i < 600 && !['finished', 'failed'].includes(exp.export_status); i++) {
  await sleep(50);
  exp = await api.ProjectImportExports.showExportStatus(created.id);
}
seen.export_status = exp.export_status;
const blob = await api.ProjectImportExports.download(created.id);
const bytes = new Uint8Array(await blob.arrayBuffer());
seen.download_bytes = bytes.length;
seen.download_gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
console.log(JSON.stringify(seen));
