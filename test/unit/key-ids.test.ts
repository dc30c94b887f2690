/** Key ids are typed on command lines (`footfall keys revoke <id>`): none may read as an option. */
import { strict as assert } from 'node:assert';
import { newKeyId } from '../../src/ops/keys.js';

describe('key ids', () => {
  it('are 11 base64url characters and never start with "-"', () => {
    // One random id in 64 would start with "-": 5,000 of them all but surely include one.
    const ids = Array.from({ length: 5000 }, () => newKeyId());
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{10}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});
