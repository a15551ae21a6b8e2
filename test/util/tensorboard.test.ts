import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SummaryWriter } from '../../src/util/tensorboard.js';
import { encodePng } from '../../src/viz/png.js';
import { asDouble, asDoubles, asFloat, asInt, asString, dataView, only, parseEvent, parseMessage, readEventFile, readRecords } from './event_reader.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tensorboard-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
let logDirCount = 0;
/** A log directory that does not exist yet, so the writer must create it. */
const tempLogDir = (): string => path.join(scratch, `run${logDirCount++}`, 'logs');

const histogramValues = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * (i / 100));
const png = encodePng({ width: 3, height: 2, channels: 1, data: Float32Array.of(0, 0.2, 0.4, 0.6, 0.8, 1) });

function writeSampleLog(logDir: string): string {
  const writer = new SummaryWriter(logDir);
  writer.scalar('loss/total', 0.1, 1);
  writer.scalar('learning_rate', 3e-4, 300);
  writer.image('samples', png, 3, 2, 1, 300);
  writer.histogram('weights', histogramValues, 301);
  writer.histogram('small', [0, 1, 2, 3, 4], 302, 4);
  writer.flush();
  writer.close();
  return writer.filePath;
}

test('event file is named as TensorBoard expects and every record round-trips', () => {
  const startSeconds = Date.now() / 1000;
  const filePath = writeSampleLog(tempLogDir());
  const endSeconds = Date.now() / 1000;
  assert.match(path.basename(filePath), new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/\./g, '\\.')}$`));

  const events = readRecords(readEventFile(filePath)).map(parseEvent);
  assert.equal(events.length, 6);
  for (const event of events) {
    assert.ok(event.wallTime >= Math.floor(startSeconds) && event.wallTime <= endSeconds + 1, `wall time ${event.wallTime}`);
  }

  const [version, loss, learningRate, image, weights] = events;
  assert.equal(asString(only(version.fields, 3)), 'brain.Event:2');
  assert.equal(version.value, null);

  assert.deepEqual(
    [loss, learningRate].map((event) => [asString(only(event.value!, 1)), event.step, asFloat(only(event.value!, 2))]),
    [
      ['loss/total', 1, Math.fround(0.1)],
      ['learning_rate', 300, Math.fround(3e-4)],
    ],
  );

  assert.equal(asString(only(image.value!, 1)), 'samples');
  assert.equal(image.step, 300);
  const imageFields = parseMessage(only(image.value!, 4));
  assert.deepEqual([1, 2, 3].map((field) => asInt(only(imageFields, field))), [2, 3, 1]);
  assert.deepEqual(only(imageFields, 4), png);

  assert.equal(asString(only(weights.value!, 1)), 'weights');
  assert.equal(weights.step, 301);
  const histo = parseMessage(only(weights.value!, 5));
  const limits = asDoubles(only(histo, 6));
  const counts = asDoubles(only(histo, 7));
  assert.equal(limits.length, 30);
  assert.equal(counts.length, 30);
  assert.equal(asDouble(only(histo, 3)), histogramValues.length);
  assert.equal(counts.reduce((a, b) => a + b, 0), histogramValues.length);
  assert.equal(asDouble(only(histo, 1)), Math.min(...histogramValues));
  assert.equal(asDouble(only(histo, 2)), Math.max(...histogramValues));
  assert.equal(limits[29], Math.max(...histogramValues));
  assert.ok(limits.every((limit, i) => i === 0 || limit > limits[i - 1]), 'bucket limits increase');
});

test('histogram buckets, sums and limits match a hand computation', () => {
  const events = readRecords(readEventFile(writeSampleLog(tempLogDir()))).map(parseEvent);
  const histo = parseMessage(only(events[5].value!, 5));
  // Values 0..4 in 4 buckets of width 1: [0,1) [1,2) [2,3) [3,4], the maximum joining the last.
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((field) => asDouble(only(histo, field))),
    [0, 4, 5, 0 + 1 + 2 + 3 + 4, 0 + 1 + 4 + 9 + 16],
  );
  assert.deepEqual(asDoubles(only(histo, 6)), [1, 2, 3, 4]);
  assert.deepEqual(asDoubles(only(histo, 7)), [1, 1, 1, 2]);
});

test('a corrupted byte is caught by the record CRCs', () => {
  const file = readEventFile(writeSampleLog(tempLogDir()));
  assert.doesNotThrow(() => readRecords(file));

  const versionRecordLength = 12 + Number(dataView(file).getBigUint64(0, true)) + 4;
  const corruptData = Uint8Array.from(file);
  corruptData[versionRecordLength + 12 + 5] ^= 0x40;
  assert.throws(() => readRecords(corruptData), /data CRC mismatch at offset/);

  const corruptLength = Uint8Array.from(file);
  corruptLength[versionRecordLength] ^= 0x01;
  assert.throws(() => readRecords(corruptLength), /length CRC mismatch at offset/);
});

test('a second writer on the same directory opens a new file and leaves the first intact', () => {
  const logDir = tempLogDir();
  const first = writeSampleLog(logDir);
  const firstBytes = fs.readFileSync(first);
  const resumed = new SummaryWriter(logDir);
  resumed.scalar('loss/total', 0.05, 400);
  resumed.close();

  assert.notEqual(resumed.filePath, first);
  assert.deepEqual(fs.readdirSync(logDir).sort(), [path.basename(first), path.basename(resumed.filePath)].sort());
  assert.deepEqual(fs.readFileSync(first), firstBytes);
  const events = readRecords(readEventFile(resumed.filePath)).map(parseEvent);
  assert.equal(asString(only(events[0].fields, 3)), 'brain.Event:2');
  assert.equal(events[1].step, 400);
});

test('records reach the file before flush or close, and a closed writer refuses more', () => {
  const writer = new SummaryWriter(tempLogDir());
  writer.scalar('loss/total', 1.5, 7);
  const events = readRecords(readEventFile(writer.filePath)).map(parseEvent);
  assert.equal(events.length, 2);
  assert.equal(asFloat(only(events[1].value!, 2)), 1.5);
  writer.close();
  assert.throws(() => writer.scalar('loss/total', 1, 8), /closed/);
});

test('invalid steps and non-finite histogram values are rejected', () => {
  const writer = new SummaryWriter(tempLogDir());
  assert.throws(() => writer.scalar('loss', 1, 1.5), RangeError);
  assert.throws(() => writer.histogram('weights', [0, Number.NaN], 1), /not finite/);
  assert.throws(() => writer.histogram('weights', [], 1), /no values/);
  writer.close();
});

test('a session restart is an Event with session_log.status = START at its step', () => {
  const writer = new SummaryWriter(tempLogDir());
  writer.sessionStart(501);
  writer.close();
  const events = readRecords(readEventFile(writer.filePath)).map(parseEvent);
  assert.equal(events.length, 2);
  assert.equal(events[1].step, 501);
  assert.equal(events[1].value, null);
  const sessionLog = parseMessage(only(events[1].fields, 6));
  assert.equal(asInt(only(sessionLog, 1)), 1);
});
