import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simVowelsSheet } from '../../src/viz/simvowels_sheet.js';

test('the SimVowels sheet: one row of five vowel spectrograms per speaker, the same for a seed', () => {
  const one = simVowelsSheet({ seed: 3, speakers: 1, segmentsPerCell: 1 });
  const two = simVowelsSheet({ seed: 3, speakers: 2, segmentsPerCell: 1 });
  // A row is a cell of 73 bins (0-4.5 kHz at 62.5 Hz) at 2 pixels each, plus the 3-pixel gap.
  assert.equal(two.height - one.height, 73 * 2 + 3);
  assert.equal(two.width, one.width);
  // Twice the segments, twice the frames (hop 32 over 1600 samples each) in every one of 5 cells.
  const longer = simVowelsSheet({ seed: 3, speakers: 1, segmentsPerCell: 2 });
  assert.equal(longer.width - one.width, 5 * 50);
  assert.deepEqual(simVowelsSheet({ seed: 3, speakers: 1, segmentsPerCell: 1 }).data, one.data);
  assert.notDeepEqual(simVowelsSheet({ seed: 4, speakers: 1, segmentsPerCell: 1 }).data, one.data);
  assert.throws(() => simVowelsSheet({ seed: 0, speakers: 11 }), /1\.\.10 speakers/);
});
