/** The widget's live region: quiet on load, then at most one summary per quiet period. */
import { strict as assert } from 'node:assert';
import { announcer, type Region } from '../../client-snippet/src/announcer.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('snippet announcer', () => {
  it('says nothing about the first figures, then only the latest summary once per period', async () => {
    const region: Region = { textContent: '' };
    const say = announcer(region, 300);
    say('Online 1, Today 10');
    await sleep(350);
    assert.equal(region.textContent, '', 'the first figures are on screen, not announced');

    say('Online 2, Today 11');
    say('Online 3, Today 12');
    assert.equal(region.textContent, '', 'a change waits for its turn…');
    await sleep(50);
    assert.equal(region.textContent, 'Online 3, Today 12', '…then the latest is said once');

    say('Online 4, Today 13');
    await sleep(100);
    assert.equal(region.textContent, 'Online 3, Today 12', 'not again within the period');
    await sleep(300);
    assert.equal(region.textContent, 'Online 4, Today 13');
  });
});
