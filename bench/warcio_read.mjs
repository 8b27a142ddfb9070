// Reads every record of a WARC file with warcio.js (the webrecorder reader) and reports the
// same figures as `warc_bench --read`, so the two are compared on the same file in one run.
import fs from 'node:fs';
import { WARCParser } from 'warcio';

const file = process.argv[2];
const start = process.hrtime.bigint();
const parser = new WARCParser(fs.createReadStream(file));
let records = 0;
let bytes = 0;
for await (const record of parser) {
  const block = await record.readFully(false);
  records += 1;
  bytes += block.length;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`${records} ${bytes} ${seconds.toFixed(4)}`);
